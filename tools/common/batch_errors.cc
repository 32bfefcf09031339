#include "common/batch_errors.h"

#include <fmt/format.h>

#include "common/log.h"

namespace attn::tools {

std::string BatchErrors::with_item(std::string_view item, std::string_view message) {
  if (item.empty() || (message.starts_with(item) && message.substr(item.size()).starts_with(":")))
    return std::string(message);
  return fmt::format("{}: {}", item, message);
}

void BatchErrors::fail(std::string_view item, std::string_view message) {
  ++failures_;
  if (!keep_going_) throw Error(with_item(item, message));
  print_warning(with_item(item, message));
}

int BatchErrors::finish() const {
  if (failures_ == 0) return 0;
  print_warning(fmt::format("{} item{} failed", failures_, failures_ == 1 ? "" : "s"));
  return 1;
}

}  // namespace attn::tools
