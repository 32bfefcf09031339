#pragma once
// --keep-going for batch commands: one bad item (a file, a line, a node) becomes a warning on
// stderr and the batch carries on; the exit code is 1 if any item failed. Without --keep-going
// the first bad item stops the command (exit code 1). Only attn::Error counts as a bad item:
// usage errors, output errors and bugs always stop the command.
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "attn/error.h"

namespace attn::tools {

class BatchErrors {
 public:
  explicit BatchErrors(bool keep_going) : keep_going_(keep_going) {}

  // Runs fn() for the item named `item` (a path, "file:line", a node id). Returns true if it
  // succeeded. On attn::Error: with --keep-going prints "attn-text: warning: <item>: <message>"
  // and returns false; without, throws attn::Error("<item>: <message>"). The item name is not
  // repeated when the message already starts with "<item>:".
  template <class Fn>
  bool run(std::string_view item, Fn&& fn) {
    try {
      fn();
      return true;
    } catch (const Error& e) {
      fail(item, e.what());
      return false;
    }
  }

  // Records a failed item by hand (same reporting as run()).
  void fail(std::string_view item, std::string_view message);
  // fail() as the callback a library reader calls for a bad item (attn::text::BadItemHandler).
  auto on_bad_item() {
    return [this](const std::string& item, const Error& e) { fail(item, e.what()); };
  }

  int64_t failures() const { return failures_; }
  bool keep_going() const { return keep_going_; }

  // 0 if no item failed; otherwise prints "attn-text: warning: 3 items failed" and returns 1.
  // The tool returns this from its command.
  int finish() const;

  // "<item>: <message>" unless the message already names the item.
  static std::string with_item(std::string_view item, std::string_view message);

 private:
  bool keep_going_;
  int64_t failures_ = 0;
};

}  // namespace attn::tools
