#pragma once
// Messages on stderr, shared by every tool: the tool name for prefixes, the verbosity set by
// --quiet / -v, and the live status line of the progress bar (cleared before any other message
// so the two never mix). Results never go here: they go to stdout (output.h).
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace attn::tools {

enum class Verbosity { Quiet, Normal, Verbose };

void set_tool_name(std::string name);  // "attn-text"; set by run_guarded
const std::string& tool_name();
void set_verbosity(Verbosity v);  // set by the common flags (cli.h)
Verbosity verbosity();

// Writes one line to stderr (a '\n' is added; newlines inside `text` become spaces, so every
// message stays one line). Thread-safe.
void print_stderr_line(std::string_view text);

// "attn-text: error: <message>" / "attn-text: warning: <message>"; printed even with --quiet.
void print_error(std::string_view message);
void print_warning(std::string_view message);

// "attn-text: <message>": progress notes (e.g. "read 12000 lines"), hidden by --quiet.
template <class... Args>
void log_info(fmt::format_string<Args...> format, Args&&... args) {
  if (verbosity() != Verbosity::Quiet)
    print_stderr_line(tool_name() + ": " + fmt::format(format, std::forward<Args>(args)...));
}

// Details for -v only (kernel choice, timings, sizes).
template <class... Args>
void log_verbose(fmt::format_string<Args...> format, Args&&... args) {
  if (verbosity() == Verbosity::Verbose)
    print_stderr_line(tool_name() + ": " + fmt::format(format, std::forward<Args>(args)...));
}

template <class... Args>
void log_warning(fmt::format_string<Args...> format, Args&&... args) {
  print_warning(fmt::format(format, std::forward<Args>(args)...));
}

// The live status line (progress bar): redrawn in place with '\r', never ends with '\n'.
// Only for a terminal; progress.h decides when to use it.
void show_status_line(std::string_view text);
void clear_status_line();

// `text` with every '\r' and '\n' (and a trailing run of them) replaced by single spaces.
std::string one_line(std::string_view text);

}  // namespace attn::tools
