#pragma once
// The outer frame of every tool's main(): parses the command line, runs the command, and turns
// every outcome into an exit code and at most one line on stderr:
//   0  success (also --help and --version, which print to stdout)
//   1  attn::Error: bad input data, bad model, I/O failure ("attn-text: error: train.txt:17: ...");
//      also OutputError (results could not be written: disk full, ...)
//   2  usage error: CLI11's own parse errors and UsageError thrown by the tool
//   3  anything else: a bug ("attn-text: error: internal error: ...")
// SIGPIPE is ignored, so a closed pipe shows up as EPIPE from a write: the command stops with exit
// code 1 and no message (the reader has gone; `set -o pipefail` still sees the failure).
// stdout is flushed and checked before exiting 0: a failed final write turns success into 1.
#include <functional>
#include <stdexcept>
#include <string_view>

#include "attn/error.h"

namespace CLI {
class App;
}

namespace attn::tools {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;  // bad data, bad model, I/O
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

// A usage error found by the tool itself (bad flag combination, ...): exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// fn()'s result; an exception of type E it throws (by default attn::Error: the library refusing
// a flag's value) becomes a UsageError with the same message, exit code 2:
//   const PipelineOptions p = as_usage_error([&] { return options.resolve(); });
template <class E = Error, class Fn>
auto as_usage_error(Fn&& fn) {
  try {
    return fn();
  } catch (const E& e) {
    throw UsageError(e.what());
  }
}

// Parses argc/argv with `app` (whose name, e.g. "attn-text", prefixes every message), then calls
// run() and returns its exit code, mapped as above. Use as
//   int main(int argc, char** argv) { ...; return attn::tools::run_guarded(app, argc, argv, [&] { ... }); }
int run_guarded(CLI::App& app, int argc, char** argv, const std::function<int()>& run);

// The same frame without command-line parsing.
int run_guarded(std::string_view tool, const std::function<int()>& run);

}  // namespace attn::tools
