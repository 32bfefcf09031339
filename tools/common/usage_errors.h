#pragma once
// Values given on the command line that a library finds wrong (its options' own checks) are
// usage errors, exit code 2, not bad data:
//   const PipelineOptions p = as_usage_error([&] { return options.resolve(); });
#include "attn/error.h"
#include "common/run_guarded.h"

namespace attn::tools {

// fn()'s result; an exception of type E from it is rethrown as a UsageError with its message.
template <class E = Error, class Fn>
auto as_usage_error(Fn&& fn) {
  try {
    return fn();
  } catch (const E& e) {
    throw UsageError(e.what());
  }
}

}  // namespace attn::tools
