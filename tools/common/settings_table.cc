#include "common/settings_table.h"

namespace attn::tools {

SettingsTable& SettingsTable::add(const std::string& name, std::string value, int use) {
  entries_.push_back({name, std::move(value), "", use, break_next_ && !entries_.empty()});
  break_next_ = false;
  return *this;
}

SettingsTable& SettingsTable::note(const std::string& text) {
  if (!entries_.empty()) entries_.back().note = text;
  return *this;
}

SettingsTable& SettingsTable::group() {
  break_next_ = true;
  return *this;
}

SettingsTable& SettingsTable::append(const SettingsTable& other) {
  for (Entry e : other.entries_) {
    e.group_break = e.group_break || (break_next_ && !entries_.empty());
    break_next_ = false;
    entries_.push_back(std::move(e));
  }
  break_next_ = break_next_ || other.break_next_;
  return *this;
}

std::string SettingsTable::line() const {
  std::string out = "settings:";
  bool pending_break = false;
  for (const Entry& e : entries_) {
    pending_break = pending_break || e.group_break;
    if (!(e.use & kShown)) continue;
    if (pending_break && out != "settings:") out += " |";
    pending_break = false;
    out += " " + e.name + " " + e.value;
    if (!e.note.empty()) out += " " + e.note;
  }
  return out;
}

FixedSettings SettingsTable::fixed() const {
  FixedSettings out;
  for (const Entry& e : entries_)
    if (e.use & kFixed) out.emplace_back("--" + e.name, e.value);
  return out;
}

void SettingsTable::refuse_init_conflicts(const CLI::App& cmd, const std::string& init) const {
  tools::refuse_init_conflicts(cmd, fixed(), init);
}

}  // namespace attn::tools
