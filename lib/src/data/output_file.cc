#include "attn/data/output_file.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace attn::data {
namespace {

[[noreturn]] void throw_output_error(std::string_view name, int err) {
  throw OutputError(fmt::format("writing to {}: {}", name, std::strerror(err)), err == EPIPE);
}

}  // namespace

void write_bytes(std::FILE* out, std::string_view bytes, std::string_view name) {
  if (bytes.empty()) return;
  errno = 0;
  if (std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size())
    throw_output_error(name, errno != 0 ? errno : EIO);
}

void flush_output(std::FILE* out, std::string_view name) {
  errno = 0;
  if (std::fflush(out) != 0 || std::ferror(out)) throw_output_error(name, errno != 0 ? errno : EIO);
}

AtomicOutputFile::AtomicOutputFile(std::string path) : path_(std::move(path)) {
  if (path_ != "-") file_.emplace(path_);
}

void AtomicOutputFile::write(std::string_view bytes) {
  if (file_)
    file_->write(bytes);
  else
    write_bytes(stdout, bytes);
}

void AtomicOutputFile::flush() {
  if (!file_) flush_output(stdout);
}

void AtomicOutputFile::commit() {
  if (file_)
    file_->commit();
  else
    flush_output(stdout);
}

void write_file_atomically(const std::string& path, std::string_view contents) {
  AtomicOutputFile file(path);
  file.write(contents);
  file.commit();
}

std::string tsv_escape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (const char c : field) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace attn::data
