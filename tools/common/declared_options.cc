#include "common/declared_options.h"

namespace attn::tools {

std::string OptionFlags::flag_names(const std::string& name, const std::string& letter) {
  return (letter.empty() ? "" : "-" + letter + ",") + "--" + name;
}

CLI::Option* OptionFlags::add(const DeclaredOption<bool>& o) const {
  return cmd.add_flag(flag_names(o.name, o.letter), o.value, o.help);
}
CLI::Option* OptionFlags::add(const DeclaredOption<int>& o) const {
  return cmd.add_option(flag_names(o.name, o.letter), o.value, o.help);
}
CLI::Option* OptionFlags::add(const DeclaredOption<float>& o) const {
  return cmd.add_option(flag_names(o.name, o.letter), o.value, o.help);
}
CLI::Option* OptionFlags::add(const DeclaredOption<double>& o) const {
  return cmd.add_option(flag_names(o.name, o.letter), o.value, o.help);
}
CLI::Option* OptionFlags::add(const DeclaredOption<std::string>& o) const {
  return cmd.add_option(flag_names(o.name, o.letter), o.value, o.help);
}

void OptionFlags::finish(CLI::Option& flag, const std::string& group, const std::string& value_name) {
  if (!group.empty()) flag.group(group);
  if (!value_name.empty()) flag.type_name(value_name);
}

}  // namespace attn::tools
