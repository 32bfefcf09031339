#include "common/run_guarded.h"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "attn/error.h"
#include "common/log.h"
#include "common/output.h"

namespace attn::tools {
namespace {

// "attn-text train": the subcommands selected so far, for the hint after a parse error.
std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) {
    current = current->get_subcommands().front();
    path += " " + current->get_name();
  }
  return path;
}

// std::cout is synchronised with the C stream (the default), so checking the C stream covers
// both; flushing the C stream first keeps its errno for the message.
void finish_stdout() {
  flush_output(stdout);
  if (!std::cout.flush()) throw OutputError("writing to stdout: write error", false);
}

}  // namespace

int run_guarded(std::string_view tool, const std::function<int()>& run) {
  set_tool_name(std::string(tool));
  std::signal(SIGPIPE, SIG_IGN);
  int code = kExitInternal;
  try {
    code = run();
    finish_stdout();
    return code;
  } catch (const OutputError& e) {
    if (!e.broken_pipe()) print_error(e.what());
    return kExitFailure;  // stdout is what failed: do not flush it again
  } catch (const UsageError& e) {
    print_error(e.what());
    code = kExitUsage;
  } catch (const Error& e) {
    print_error(e.what());
    code = kExitFailure;
  } catch (const std::bad_alloc&) {
    print_error("internal error: out of memory");
    code = kExitInternal;
  } catch (const std::exception& e) {
    print_error(fmt::format("internal error: {}", e.what()));
    code = kExitInternal;
  } catch (...) {
    print_error("internal error: unknown exception");
    code = kExitInternal;
  }
  // The results written before the error still reach the reader; the exit code tells it that
  // they are incomplete.
  std::cout.flush();
  std::fflush(stdout);
  return code;
}

int run_guarded(CLI::App& app, int argc, char** argv, const std::function<int()>& run) {
  if (app.get_name().empty() && argc > 0) {
    const std::string_view program = argv[0];
    app.name(std::string(program.substr(program.find_last_of('/') + 1)));
  }
  return run_guarded(app.get_name(), [&]() -> int {
    try {
      app.parse(argc, argv);
    } catch (const CLI::Success& e) {
      return app.exit(e);  // --help, --help-all, --version: printed to stdout, exit code 0
    } catch (const CLI::ParseError& e) {
      throw UsageError(fmt::format("{} (see '{} --help')", e.what(), command_path(app)));
    }
    return run();
  });
}

}  // namespace attn::tools
