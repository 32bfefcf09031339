// Temporary files beside a target do not outlive their process: removed on SIGINT/SIGTERM while
// armed, and removed as stale by the next writer once their process is gone.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "attn/data/temp_files.h"

namespace fs = std::filesystem;
using attn::data::RemoveOnSignal;
using attn::data::remove_stale_temp_files;
using attn::data::temp_file_path;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char pattern[] = "/tmp/attn-temp-files.XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { fs::remove_all(path); }
};

void touch(const fs::path& p) { std::ofstream(p) << "partial model"; }

// The PID of a process that has ended (and been reaped).
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

// Runs `child` in a forked process, with the default signal actions of a tool (not doctest's
// crash handlers), and returns its wait status.
template <class F>
int in_child(F&& child) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, SIG_DFL);
    child();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace

TEST_CASE("temp_file_path: a hidden name beside the target with this process's PID") {
  const std::string pid = std::to_string(::getpid());
  const std::string a = temp_file_path("/some/dir/model.safetensors");
  CHECK(a.starts_with("/some/dir/.model.safetensors.tmp-" + pid + "-"));
  CHECK(temp_file_path("model.safetensors").starts_with("./.model.safetensors.tmp-" + pid + "-"));
  CHECK(temp_file_path("/some/dir/model.safetensors") != a);
}

TEST_CASE("a SIGTERM or SIGINT while armed removes the temporary file, and still ends the process") {
  TempDir dir;
  const std::string target = (dir.path / "m.safetensors").string();
  for (const int sig : {SIGTERM, SIGINT}) {
    std::string temp = temp_file_path(target);  // the child's own name differs; found by listing
    const int status = in_child([&] {
      temp = temp_file_path(target);
      touch(temp);
      RemoveOnSignal guard(temp);
      ::raise(sig);
      ::_exit(7);  // not reached: the signal ends the child
    });
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);
    CHECK(fs::is_empty(dir.path));
  }
}

TEST_CASE("without an armed guard the signal leaves the file (what the guard prevents)") {
  TempDir dir;
  const std::string target = (dir.path / "m.safetensors").string();
  const int status = in_child([&] {
    const std::string temp = temp_file_path(target);
    touch(temp);
    { RemoveOnSignal guard(temp); }  // disarmed again: committed, say
    ::raise(SIGTERM);
  });
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  CHECK(!fs::is_empty(dir.path));
}

TEST_CASE("remove_stale_temp_files removes only the target's files of dead processes") {
  TempDir dir;
  const std::string target = (dir.path / "m.safetensors").string();
  const std::string dead = std::to_string(dead_pid());
  const fs::path stale = dir.path / (".m.safetensors.tmp-" + dead + "-0");
  const fs::path own = dir.path / (".m.safetensors.tmp-" + std::to_string(::getpid()) + "-3");
  const fs::path parent = dir.path / (".m.safetensors.tmp-" + std::to_string(::getppid()) + "-1");
  const fs::path other_target = dir.path / (".other.tmp-" + dead + "-0");
  const fs::path not_a_pid = dir.path / ".m.safetensors.tmp-x-0";
  const fs::path no_serial = dir.path / (".m.safetensors.tmp-" + dead);
  for (const fs::path& p : {stale, own, parent, other_target, not_a_pid, no_serial}) touch(p);
  touch(target);

  CHECK(remove_stale_temp_files(target) == 1);
  CHECK(!fs::exists(stale));
  for (const fs::path& p : {own, parent, other_target, not_a_pid, no_serial}) CHECK(fs::exists(p));
  CHECK(fs::exists(target));
  CHECK(remove_stale_temp_files((dir.path / "missing-dir" / "m").string()) == 0);
}
