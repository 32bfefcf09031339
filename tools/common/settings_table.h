#pragma once
// The settings a `train` run uses, listed once per tool: the "settings:" line it logs and the
// `train --init` conflict check both come from the same entries, so no flag is named twice.
//   SettingsTable s;
//   s.show("items", n).show("labels", k).group();
//   s.fix("dim", c.dim).fix("patch", c.patch).note("(16 patches)").show("dropout", c.dropout);
//   log_info("{}", s.line());          // "settings: items 10 labels 2 | dim 32 patch 4 (16 patches) dropout 0.1"
//   s.refuse_init_conflicts(cmd, init);  // --dim 64 with a saved dim 32: UsageError naming --dim
// An entry's name is its flag without "--" (or a count's name, "items", for shown entries).
// Values are written as fmt writes them ("0.2", "true"), which is also how they are compared.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/fine_tune.h"

namespace attn::tools {

class SettingsTable {
 public:
  // In the line only: counts, and training settings --init leaves free.
  template <class T>
  SettingsTable& show(const std::string& name, const T& value) {
    return add(name, fmt::format("{}", value), kShown);
  }
  // In the line, and fixed by --init (architecture and input settings).
  template <class T>
  SettingsTable& fix(const std::string& flag, const T& value) {
    return add(flag, fmt::format("{}", value), kShown | kFixed);
  }
  // Fixed by --init but too detailed for the line (e.g. each Kaldi framing option).
  template <class T>
  SettingsTable& fix_quietly(const std::string& flag, const T& value) {
    return add(flag, fmt::format("{}", value), kFixed);
  }
  // Text written after the last entry's value in the line, e.g. "(16 patches)".
  SettingsTable& note(const std::string& text);
  // " |" in the line: the next entries are another group.
  SettingsTable& group();
  SettingsTable& append(const SettingsTable& other);

  // "settings: name value name value | name value ...".
  std::string line() const;
  // The fixed entries as --init's list (flag with "--", value).
  FixedSettings fixed() const;
  // refuse_init_conflicts (fine_tune.h) over the fixed entries.
  void refuse_init_conflicts(const CLI::App& cmd, const std::string& init) const;

 private:
  static constexpr int kShown = 1, kFixed = 2;
  struct Entry {
    std::string name, value, note;
    int use = 0;
    bool group_break = false;  // a " |" before this entry
  };
  SettingsTable& add(const std::string& name, std::string value, int use);
  std::vector<Entry> entries_;
  bool break_next_ = false;
};

}  // namespace attn::tools
