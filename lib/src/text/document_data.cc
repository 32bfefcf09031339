#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <system_error>

#include "attn/error.h"
#include "attn/text/readers.h"

namespace attn::text {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kBinaryProbeBytes = 8192;

bool hidden(const fs::path& p) { return p.filename().string().starts_with('.'); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<DocumentEntry> list_label_folders(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    throw Error(fmt::format("{}: not a folder (expected one sub-folder per label)", root.string()));
  std::vector<fs::path> label_dirs;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (!hidden(entry.path()) && entry.is_directory(ec)) label_dirs.push_back(entry.path());
  }
  if (ec) throw Error(fmt::format("{}: cannot list: {}", root.string(), ec.message()));
  if (label_dirs.empty())
    throw Error(fmt::format("{}: no sub-folders (expected one sub-folder per label)", root.string()));
  std::sort(label_dirs.begin(), label_dirs.end());

  std::vector<DocumentEntry> out;
  for (const fs::path& dir : label_dirs) {
    std::vector<fs::path> files;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      if (hidden(it->path())) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) files.push_back(it->path());
    }
    if (ec) throw Error(fmt::format("{}: cannot list: {}", dir.string(), ec.message()));
    if (files.empty()) throw Error(fmt::format("{}: label folder without files", dir.string()));
    std::sort(files.begin(), files.end());
    const std::string label = dir.filename().string();
    for (fs::path& f : files) out.push_back({std::move(f), label});
  }
  return out;
}

std::vector<DocumentEntry> read_document_list(std::istream& in, std::string_view name,
                                              const fs::path& base_dir, std::size_t max_line_bytes) {
  LineReader reader(in, std::string(name), max_line_bytes);
  std::vector<DocumentEntry> out;
  std::string line;
  while (reader.next(line)) {
    if (trim(line).empty()) continue;
    const std::string where = fmt::format("{}:{}", name, reader.line_number());
    const std::size_t tab = line.find('\t');
    if (tab == std::string::npos) throw Error(fmt::format("{}: no TAB in the line (expected `path<TAB>label`)", where));
    const std::string_view path = std::string_view(line).substr(0, tab);
    const std::string_view label = trim(std::string_view(line).substr(tab + 1));
    if (trim(path).empty()) throw Error(fmt::format("{}: empty path before the TAB (expected `path<TAB>label`)", where));
    if (label.empty()) throw Error(fmt::format("{}: empty label after the TAB (expected `path<TAB>label`)", where));
    fs::path p(path);
    if (p.is_relative()) p = base_dir / p;
    out.push_back({std::move(p), std::string(label)});
  }
  if (out.empty()) throw Error(fmt::format("{}: no documents", name));
  return out;
}

std::vector<DocumentEntry> read_document_list(const fs::path& list_file, std::size_t max_line_bytes) {
  std::ifstream in(list_file, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", list_file.string(), std::strerror(errno)));
  return read_document_list(in, list_file.string(), list_file.parent_path(), max_line_bytes);
}

std::string read_document(std::istream& in, std::string_view name, std::size_t max_bytes) {
  std::string out;
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (in.bad()) throw Error(fmt::format("{}: read error", name));
    if (out.size() + got > max_bytes) throw Error(fmt::format("{}: larger than {} bytes", name, max_bytes));
    const std::size_t probed = out.size();
    out.append(buf, got);
    if (probed < kBinaryProbeBytes) {
      const std::size_t n = std::min(out.size(), kBinaryProbeBytes) - probed;
      if (std::memchr(out.data() + probed, '\0', n) != nullptr)
        throw Error(fmt::format("{}: binary file, expected text", name));
    }
  }
  return out;
}

std::string read_document(const fs::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw Error(fmt::format("{}: is a folder, expected a file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  const auto size = fs::file_size(path, ec);
  if (!ec && size > max_bytes)
    throw Error(fmt::format("{}: larger than {} bytes", path.string(), max_bytes));
  return read_document(in, path.string(), max_bytes);
}

}  // namespace attn::text
