#include "attn/data/temp_files.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <system_error>

#include <fmt/format.h>

namespace attn::data {
namespace {

namespace fs = std::filesystem;

// Armed paths live in fixed static slots: the signal handler reads only memory that is never
// freed, through lock-free atomics, and calls only unlink(), which is async-signal-safe.
constexpr int kSlots = 64;
constexpr std::size_t kPathBytes = 4096;
enum class SlotState : int { Free, Filling, Armed };
struct Slot {
  std::atomic<SlotState> state{SlotState::Free};
  static_assert(std::atomic<SlotState>::is_always_lock_free, "read by the signal handler");
  char path[kPathBytes];
};
Slot slots[kSlots];
static_assert(std::atomic<int>::is_always_lock_free);

std::atomic<unsigned> serial{0};
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

void remove_armed_and_reraise(int sig) {
  const int saved_errno = errno;
  for (Slot& slot : slots)
    if (slot.state.load(std::memory_order_acquire) == SlotState::Armed) ::unlink(slot.path);
  errno = saved_errno;
  // Blocked while this handler runs, the re-raised signal is delivered on return, with the
  // default action: the process ends as it would have without the handler.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_handlers() {
  for (const int sig : kSignals) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) != 0) continue;
    // Leave alone what the program (or nohup, for SIGHUP) has chosen.
    if ((old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction action {};
    action.sa_handler = remove_armed_and_reraise;
    sigemptyset(&action.sa_mask);
    for (const int other : kSignals) sigaddset(&action.sa_mask, other);
    ::sigaction(sig, &action, nullptr);
  }
}

fs::path directory_of(const fs::path& target) {
  return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

std::string temp_prefix(const fs::path& target) { return fmt::format(".{}.tmp-", target.filename().string()); }

// "PID-N" -> PID, or 0 if the rest of the name is not of that form.
pid_t pid_of(std::string_view rest) {
  pid_t pid = 0;
  const char* end = rest.data() + rest.size();
  auto [p, ec] = std::from_chars(rest.data(), end, pid);
  if (ec != std::errc() || pid <= 0 || p == end || *p != '-') return 0;
  unsigned n = 0;
  auto [q, ec2] = std::from_chars(p + 1, end, n);
  if (ec2 != std::errc() || q != end) return 0;
  return pid;
}

}  // namespace

std::string temp_file_path(const std::string& target) {
  const fs::path path(target);
  return (directory_of(path) / fmt::format("{}{}-{}", temp_prefix(path), ::getpid(), serial++)).string();
}

int remove_stale_temp_files(const std::string& target) {
  const fs::path path(target);
  const std::string prefix = temp_prefix(path);
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(directory_of(path), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const pid_t pid = pid_of(std::string_view(name).substr(prefix.size()));
    if (pid == 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // running, or not ours to probe
    std::error_code remove_ec;
    if (fs::remove(it->path(), remove_ec)) ++removed;
  }
  return removed;
}

RemoveOnSignal::RemoveOnSignal(const std::string& path) {
  static std::once_flag installed;
  std::call_once(installed, install_handlers);
  if (path.size() >= kPathBytes) return;
  for (int i = 0; i < kSlots; ++i) {
    SlotState expected = SlotState::Free;
    if (!slots[i].state.compare_exchange_strong(expected, SlotState::Filling, std::memory_order_acquire)) continue;
    std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
    slots[i].state.store(SlotState::Armed, std::memory_order_release);
    slot_ = i;
    return;
  }
}

RemoveOnSignal::~RemoveOnSignal() {
  if (slot_ >= 0) slots[slot_].state.store(SlotState::Free, std::memory_order_release);
}

}  // namespace attn::data
