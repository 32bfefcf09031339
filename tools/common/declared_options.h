#pragma once
// A library's declared option list (attn/declared_option.h) on the command line: the visitors
// below register each option as a flag, and put the same options into train's settings, which
// train --init then fixes. The list is declared once; a tool hands it the visitor it needs:
//   audio::for_each_kaldi_option(args.features, kind, OptionFlags{*cmd});
//   audio::for_each_kaldi_option(saved, std::nullopt, FixedOptions{settings, true});
#include <string>
#include <type_traits>

#include <CLI/CLI.hpp>

#include "attn/declared_option.h"
#include "common/cli.h"
#include "common/settings_table.h"

namespace attn::tools {

// Each option as a CLI11 option with its default shown, in its group; a string's or number's
// choices checked by CLI::IsMember, a number's range by CLI::Range; an enum by name
// (add_enum_option); a bool as a flag, which also takes "--name=false" (Kaldi's form).
struct OptionFlags {
  CLI::App& cmd;

  template <class T>
  void operator()(const DeclaredOption<T>& o) const {
    CLI::Option* flag = nullptr;
    if constexpr (std::is_enum_v<T>) flag = add_enum_option(cmd, flag_names(o.name, o.letter), o.value, o.names, o.help);
    else flag = add(o);
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
      if (o.bounds) flag->check(CLI::Range(o.bounds->first, o.bounds->second));
    // A number's choices compare as numbers ("+3" is 3).
    if constexpr (!std::is_enum_v<T> && !std::is_same_v<T, bool>)
      if (!o.choices.empty()) flag->check(CLI::IsMember(o.choices));
    finish(*flag, o.group, o.value_name);
  }

 private:
  static std::string flag_names(const std::string& name, const std::string& letter);
  CLI::Option* add(const DeclaredOption<bool>& o) const;
  CLI::Option* add(const DeclaredOption<int>& o) const;
  CLI::Option* add(const DeclaredOption<float>& o) const;
  CLI::Option* add(const DeclaredOption<double>& o) const;
  CLI::Option* add(const DeclaredOption<std::string>& o) const;
  static void finish(CLI::Option& flag, const std::string& group, const std::string& value_name);
};

// Each fixed option as a setting: in the settings line, or with `quietly` only fixed (for
// options too detailed for the line). With `show_free` the options --init leaves free are shown
// in the line too. An enum is written by its name.
struct FixedOptions {
  SettingsTable& settings;
  bool quietly = false;
  bool show_free = false;

  template <class T>
  void operator()(const DeclaredOption<T>& o) const {
    if (!o.fixed && !show_free) return;
    if constexpr (std::is_enum_v<T>) {
      for (const auto& [name, value] : o.names)
        if (value == o.value) add(o.fixed, o.name, name);
    } else {
      add(o.fixed, o.name, o.value);
    }
  }

 private:
  template <class V>
  void add(bool fixed, const std::string& name, const V& value) const {
    if (!fixed) settings.show(name, value);
    else if (quietly) settings.fix_quietly(name, value);
    else settings.fix(name, value);
  }
};

}  // namespace attn::tools
