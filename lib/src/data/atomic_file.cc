#include "attn/data/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "attn/error.h"

namespace attn::data {
namespace fs = std::filesystem;
namespace {

// fsync the directory so the rename itself survives a crash; best effort (some file systems
// refuse to fsync a directory, and the new file is complete either way).
void sync_directory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

fs::path directory_of(const fs::path& target) {
  return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

// The file rename() must replace for `path`: a symlink's target (resolved even when dangling).
std::string resolve_target(const std::string& path) {
  std::error_code ec;
  if (!fs::is_symlink(path, ec)) return path;
  const fs::path resolved = fs::canonical(path, ec);
  if (!ec) return resolved.string();
  const fs::path link = fs::read_symlink(path, ec);
  if (ec) return path;
  return link.is_absolute() ? link.string() : (fs::path(path).parent_path() / link).string();
}

std::string message_of(int error_number) { return std::system_category().message(error_number); }

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string target) : path_(std::move(target)) {
  if (path_.empty()) throw Error("output path is empty");
  target_ = resolve_target(path_);
  const fs::path path(target_);
  if (!path.has_filename()) throw Error(path_ + ": cannot write: not a file name");
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw Error(path_ + ": is a directory");
    // A device or FIFO cannot be replaced by rename: write into it.
    fd_ = ::open(target_.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) fail("cannot open for writing", errno);
    return;
  }
  const std::string directory = directory_of(path).string();
  // What killed processes (SIGKILL, a crash) left beside the target goes first.
  remove_stale_temp_files(target_);
  // A hidden name unique to this process and call; O_EXCL makes a clash with any other file
  // an error, retried under the next name. The mode 0666 is narrowed by the umask as usual.
  for (int attempt = 0; fd_ < 0; ++attempt) {
    temp_ = temp_file_path(target_);
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0 && (errno != EEXIST || attempt >= 100)) {
      const int error_number = errno;
      temp_.clear();  // nothing to remove
      throw Error(path_ + ": cannot create a temporary file in '" + directory +
                  "': " + message_of(error_number));
    }
  }
  remove_on_signal_.emplace(temp_);  // SIGINT/SIGTERM during the save leave nothing behind
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFileWriter::fail(const std::string& what, int error_number) {
  throw Error(path_ + ": " + what + ": " + message_of(error_number));
}

void AtomicFileWriter::write(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::write(fd_, p, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", errno);
    }
    p += written;
    size -= static_cast<size_t>(written);
  }
}

void AtomicFileWriter::commit() {
  if (committed_) return;
  if (!temp_.empty() && ::fsync(fd_) != 0) fail("cannot write (fsync)", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("cannot write (close)", errno);
  if (!temp_.empty()) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("cannot replace", errno);
    remove_on_signal_.reset();
    sync_directory(directory_of(target_).string());
  }
  committed_ = true;
}

void check_writable(const std::string& path) {
  if (path.empty()) throw Error("output path is empty");
  const std::string target = resolve_target(path);
  std::error_code ec;
  const fs::file_status status = fs::status(target, ec);
  if (fs::is_directory(status)) throw Error(path + ": is a directory");
  if (fs::exists(status) && !fs::is_regular_file(status)) return;  // a device or FIFO: in place
  const fs::path dir = directory_of(fs::path(target));
  if (!fs::is_directory(dir, ec)) throw Error(path + ": no such directory '" + dir.string() + "'");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw Error(path + ": cannot write in '" + dir.string() + "': " + message_of(errno));
}

}  // namespace attn::data
