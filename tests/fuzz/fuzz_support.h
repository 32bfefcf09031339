#pragma once
// Helpers shared by the libFuzzer targets.
//
// A target feeds its bytes to a reader and lets attn::Error (the reader's clean rejection of bad
// input, exit code 1 in the tools) pass; any other exception escapes, reaches std::terminate and
// is reported by libFuzzer as a crash, as are sanitizer findings, hangs (-timeout) and runaway
// memory (-rss_limit_mb, -malloc_limit_mb).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "attn/error.h"

namespace attn::fuzz {

template <class F>
void reject_cleanly(F&& f) {
  try {
    f();
  } catch (const attn::Error&) {
  }
}

// Reads settings from the end of the input, so one corpus covers several configurations and a
// plain file (a sample email, a data file) is a seed as it is: only its last bytes (usually the
// final newline) turn into settings.
class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}
  // The last byte, removed from the rest (0 once the input is used up).
  uint8_t take() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<uint8_t>(rest_.back());
    rest_.remove_suffix(1);
    return b;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

// A check that must hold for every input: abort() makes libFuzzer keep the input as a crash.
inline void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace attn::fuzz
