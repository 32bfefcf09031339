#include "atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "attn/error.h"

namespace attn {
namespace {

// fsync the directory so the rename itself survives a crash; best effort (some file systems
// refuse to fsync a directory, and the new file is complete either way).
void sync_directory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

std::filesystem::path directory_of(const std::filesystem::path& target) {
  return target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string target) : target_(std::move(target)) {
  const std::filesystem::path path(target_);
  if (!path.has_filename()) throw Error(target_ + ": cannot write: not a file name");
  const std::string directory = directory_of(path).string();
  // What killed processes (SIGKILL, a crash) left beside the target goes first.
  data::remove_stale_temp_files(target_);
  // A hidden name unique to this process and call; O_EXCL makes a clash with any other file
  // an error, retried under the next name. The mode 0666 is narrowed by the umask as usual.
  for (int attempt = 0; fd_ < 0; ++attempt) {
    temp_ = data::temp_file_path(target_);
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0 && (errno != EEXIST || attempt >= 100)) {
      const int error_number = errno;
      temp_.clear();  // nothing to remove
      throw Error(target_ + ": cannot create a temporary file in '" + directory +
                  "': " + std::system_category().message(error_number));
    }
  }
  remove_on_signal_.emplace(temp_);  // SIGINT/SIGTERM during the save leave nothing behind
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicFileWriter::fail(const std::string& what, int error_number) {
  throw Error(target_ + ": " + what + ": " + std::system_category().message(error_number));
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
  if (::fsync(fd_) != 0) fail("cannot write (fsync)", errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("cannot write (close)", errno);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) fail("cannot replace", errno);
  committed_ = true;
  remove_on_signal_.reset();
  sync_directory(directory_of(target_).string());
}

}  // namespace attn
