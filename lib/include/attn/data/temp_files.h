#pragma once
// Temporary files written beside a target (".NAME.tmp-PID-N", as the atomic file writer makes
// them) must not outlive their process:
// - while a RemoveOnSignal for one is alive, SIGINT, SIGTERM or SIGHUP removes it before the
//   signal ends the process as usual (exit status 128 + signal). The handlers are installed
//   on first use, for those of the three signals whose action is still the default;
// - remove_stale_temp_files() removes the ones left by processes that died harder (SIGKILL, a
//   crash, power loss): the PID in the name is no longer running.
#include <string>

namespace attn::data {

// "DIR/.NAME.tmp-PID-N" for the target "DIR/NAME"; N counts up within the process.
std::string temp_file_path(const std::string& target);

// Removes the files "DIR/.NAME.tmp-PID-N" of `target` whose process PID is not running (not
// this process, nor one of another user that kill() may not probe). Best effort: files that
// cannot be listed or removed are left. Returns how many were removed.
int remove_stale_temp_files(const std::string& target);

// Arms the removal of `path` on SIGINT/SIGTERM/SIGHUP until destroyed. At most 64 paths of at
// most 4095 bytes are armed at once; a path beyond that is not covered by signals (the next
// remove_stale_temp_files() beside it still is).
class RemoveOnSignal {
 public:
  explicit RemoveOnSignal(const std::string& path);
  ~RemoveOnSignal();
  RemoveOnSignal(const RemoveOnSignal&) = delete;
  RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;

 private:
  int slot_ = -1;
};

}  // namespace attn::data
