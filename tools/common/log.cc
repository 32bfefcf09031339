#include "common/log.h"

#include <cstdio>
#include <mutex>

namespace attn::tools {
namespace {

std::mutex g_mutex;  // guards stderr and g_status_shown
std::string g_tool_name = "attn";
Verbosity g_verbosity = Verbosity::Normal;
bool g_status_shown = false;

// "\r" back to column 0, then ANSI "erase to end of line": removes the status line.
constexpr std::string_view kEraseLine = "\r\x1b[K";

void write_stderr(std::string_view bytes) { std::fwrite(bytes.data(), 1, bytes.size(), stderr); }

void clear_status_locked() {
  if (g_status_shown) {
    write_stderr(kEraseLine);
    g_status_shown = false;
  }
}

}  // namespace

void set_tool_name(std::string name) { g_tool_name = std::move(name); }
const std::string& tool_name() { return g_tool_name; }
void set_verbosity(Verbosity v) { g_verbosity = v; }
Verbosity verbosity() { return g_verbosity; }

std::string one_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const bool newline = c == '\n' || c == '\r';
    if (!newline) {
      out += c;
    } else if (out.empty() || out.back() != ' ') {
      out += ' ';
    }
  }
  return out;
}

void print_stderr_line(std::string_view text) {
  std::string line = one_line(text);
  line += '\n';
  std::lock_guard lock(g_mutex);
  clear_status_locked();
  write_stderr(line);  // one write per line, so lines from several threads never interleave
  std::fflush(stderr);
}

void print_error(std::string_view message) {
  print_stderr_line(fmt::format("{}: error: {}", g_tool_name, message));
}

void print_warning(std::string_view message) {
  print_stderr_line(fmt::format("{}: warning: {}", g_tool_name, message));
}

void show_status_line(std::string_view text) {
  std::string line = "\r";
  line += one_line(text);
  line += "\x1b[K";
  std::lock_guard lock(g_mutex);
  write_stderr(line);
  std::fflush(stderr);
  g_status_shown = true;
}

void clear_status_line() {
  std::lock_guard lock(g_mutex);
  clear_status_locked();
  std::fflush(stderr);
}

}  // namespace attn::tools
