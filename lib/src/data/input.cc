#include "attn/data/input.h"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "attn/error.h"

namespace attn::data {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr size_t kReadBufferBytes = size_t{64} << 10;

[[noreturn]] void throw_read_error(std::string_view name, int err) {
  throw Error(fmt::format("{}: read error: {}", name, std::strerror(err != 0 ? err : EIO)));
}

}  // namespace

// ---- InputFile --------------------------------------------------------------------------

InputFile::InputFile(const std::string& path) {
  if (path == "-") {
    file_ = stdin;
    name_ = "stdin";
    return;
  }
  if (path.empty()) throw Error("input path is empty");
  name_ = path;
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw Error(fmt::format("{}: {}", path, std::strerror(errno)));
  struct stat st {};
  // fopen succeeds on a directory; reading it would fail later with a less clear message.
  if (::fstat(::fileno(file_), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(file_);
    file_ = nullptr;
    throw Error(fmt::format("{}: is a directory", path));
  }
}

InputFile::~InputFile() {
  if (file_ && file_ != stdin) std::fclose(file_);
}

InputFile::InputFile(InputFile&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)), name_(std::move(other.name_)) {}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    if (file_ && file_ != stdin) std::fclose(file_);
    file_ = std::exchange(other.file_, nullptr);
    name_ = std::move(other.name_);
  }
  return *this;
}

// ---- LineReader -------------------------------------------------------------------------

LineReader::LineReader(const std::string& path, size_t max_line_bytes)
    : owned_(std::in_place, path),
      in_(owned_->get()),
      fd_(::fileno(in_)),
      buffer_(kReadBufferBytes),
      name_(owned_->name()),
      max_line_bytes_(max_line_bytes) {}

LineReader::LineReader(std::FILE* in, std::string name, size_t max_line_bytes)
    : in_(in), fd_(::fileno(in)), buffer_(kReadBufferBytes), name_(std::move(name)), max_line_bytes_(max_line_bytes) {}

int LineReader::get() {
  if (pos_ == end_) {
    if (eof_ || read_error_) return EOF;
    ssize_t n = 0;
    if (fd_ < 0) {
      n = static_cast<ssize_t>(std::fread(buffer_.data(), 1, buffer_.size(), in_));
      if (n == 0 && std::ferror(in_)) n = -1;
    } else {
      // read() returns what a pipe holds as soon as it holds anything: lines come out as they
      // are written.
      do n = ::read(fd_, buffer_.data(), buffer_.size());
      while (n < 0 && errno == EINTR);
    }
    if (n <= 0) {
      if (n < 0) read_error_ = errno != 0 ? errno : EIO;
      eof_ = n == 0;
      return EOF;
    }
    pos_ = 0;
    end_ = static_cast<size_t>(n);
  }
  return static_cast<unsigned char>(buffer_[pos_++]);
}

bool LineReader::would_block() const {
  if (pos_ < end_ || done_ || eof_ || read_error_ || fd_ < 0) return false;
  pollfd pfd{fd_, POLLIN, 0};
  return ::poll(&pfd, 1, 0) == 0;
}

std::string LineReader::where() const { return fmt::format("{}:{}", name_, line_number_); }

bool LineReader::next(std::string& line) {
  if (done_) return false;
  int c = 0;
  if (skip_rest_of_line_) {
    // The rest of a bad line is skipped within the same limit as a line is read: a stream
    // without a line end in reach (/dev/zero) ends here instead of being skipped forever.
    skip_rest_of_line_ = false;
    size_t skipped = 0;
    while ((c = get()) != EOF && c != '\n') {
      if (++skipped > max_line_bytes_) {
        done_ = true;
        throw Error(fmt::format("{}: no line end within {} after the bad line; the rest of {} is not read", where(),
                                format_bytes(max_line_bytes_), name_));
      }
    }
  }
  line.clear();
  c = c == EOF ? EOF : get();
  if (c == EOF) {
    done_ = true;
    if (read_error_) throw_read_error(name_, read_error_);
    return false;
  }
  ++line_number_;
  while (c != EOF && c != '\n') {
    if (c == '\0') {
      skip_rest_of_line_ = true;
      throw Error(fmt::format("{}: binary data (NUL byte); expected text", where()));
    }
    if (line.size() >= max_line_bytes_) {
      skip_rest_of_line_ = true;
      throw Error(fmt::format("{}: line longer than {} bytes", where(), max_line_bytes_));
    }
    line.push_back(static_cast<char>(c));
    c = get();
  }
  if (c == EOF && read_error_) {
    done_ = true;  // a read error does not go away: report it once, then end
    throw_read_error(name_, read_error_);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (at_start_) {
    at_start_ = false;
    if (line.starts_with(kUtf8Bom)) line.erase(0, kUtf8Bom.size());
  }
  return true;
}

// ---- whole files ------------------------------------------------------------------------

std::string read_file(const std::string& path, size_t max_bytes) {
  InputFile file(path);
  std::string data;
  struct stat st {};
  if (::fstat(::fileno(file.get()), &st) == 0 && S_ISREG(st.st_mode)) {
    if (static_cast<uint64_t>(st.st_size) > max_bytes)
      throw Error(fmt::format("{}: file is larger than the limit of {} ({} bytes)", file.name(),
                              format_bytes(max_bytes), st.st_size));
    data.reserve(static_cast<size_t>(st.st_size));
  }
  char buffer[1 << 16];
  size_t n = 0;
  errno = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    // A stream's size is unknown beforehand, and a file may grow: stop at the limit.
    if (n > max_bytes - data.size())
      throw Error(fmt::format("{}: file is larger than the limit of {}", file.name(), format_bytes(max_bytes)));
    data.append(buffer, n);
  }
  if (std::ferror(file.get())) throw_read_error(file.name(), errno);
  return data;
}

std::string read_text_file(const std::string& path, size_t max_bytes) {
  std::string text = read_file(path, max_bytes);
  if (const size_t nul = text.find('\0'); nul != std::string::npos)
    throw Error(fmt::format("{}: binary data (NUL byte at offset {}); expected text",
                            path == "-" ? "stdin" : path, nul));
  if (text.starts_with(kUtf8Bom)) text.erase(0, kUtf8Bom.size());
  return text;
}

bool looks_binary(std::string_view bytes) { return bytes.find('\0') != std::string_view::npos; }

// ---- InputPaths -------------------------------------------------------------------------

InputPaths::InputPaths(std::vector<std::string> args) : args_(std::move(args)) {}

bool InputPaths::next(std::string& path) {
  while (true) {
    if (stdin_list_) {
      while (stdin_list_->next(path))
        if (!path.empty()) return true;
      stdin_list_.reset();
    }
    if (next_arg_ >= args_.size()) return false;
    const std::string& arg = args_[next_arg_++];
    if (arg == "-") {
      stdin_list_.emplace(stdin, "stdin", kMaxPathListLineBytes);
    } else {
      path = arg;
      return true;
    }
  }
}

std::string format_bytes(uint64_t bytes) {
  constexpr uint64_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;
  const auto unit = [&](uint64_t size, const char* name) {
    if (bytes % size == 0) return fmt::format("{} {}", bytes / size, name);
    return fmt::format("{:.1f} {}", static_cast<double>(bytes) / static_cast<double>(size), name);
  };
  if (bytes >= kGiB) return unit(kGiB, "GiB");
  if (bytes >= kMiB) return unit(kMiB, "MiB");
  if (bytes >= kKiB) return unit(kKiB, "KiB");
  return fmt::format("{} bytes", bytes);
}

}  // namespace attn::data
