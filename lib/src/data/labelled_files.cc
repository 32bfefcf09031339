#include "attn/data/labelled_files.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

#include "attn/error.h"
#include "attn/text/utf8.h"

namespace attn::data {
namespace fs = std::filesystem;
namespace {

bool hidden(const fs::path& p) { return p.filename().string().starts_with('.'); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void check_path(const fs::path& p, std::string_view where) {
  if (!text::is_valid_utf8(p.string()))
    throw Error(fmt::format("{}: file name is not valid UTF-8: {}", where,
                            text::sanitize_utf8(p.string())));
}

}  // namespace

void check_label(std::string_view label, std::string_view where) {
  if (label.empty()) throw Error(fmt::format("{}: empty label", where));
  if (!text::is_valid_utf8(label))
    throw Error(fmt::format("{}: label is not valid UTF-8: \"{}\"", where, text::sanitize_utf8(label)));
}

std::vector<LabelledFile> list_label_folders(const fs::path& root) {
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

  std::vector<LabelledFile> out;
  for (const fs::path& dir : label_dirs) {
    check_path(dir, dir.string());
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
    for (fs::path& f : files) {
      check_path(f, root.string());
      out.push_back({std::move(f), label});
    }
  }
  return out;
}

std::vector<LabelledFile> read_file_list(const std::string& list_file, size_t max_line_bytes) {
  LineReader reader(list_file, max_line_bytes);
  return read_file_list(reader, list_file == "-" ? fs::path() : fs::path(list_file).parent_path());
}

std::vector<LabelledFile> read_file_list(LineReader& reader, const fs::path& base_dir) {
  std::vector<LabelledFile> out;
  std::string line;
  while (reader.next(line)) {
    if (trim(line).empty()) continue;
    const std::string where = reader.where();
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) throw Error(fmt::format("{}: no TAB in the line (expected `path<TAB>label`)", where));
    const std::string_view path = std::string_view(line).substr(0, tab);
    const std::string_view label = trim(std::string_view(line).substr(tab + 1));
    if (trim(path).empty()) throw Error(fmt::format("{}: empty path before the TAB (expected `path<TAB>label`)", where));
    if (label.empty()) throw Error(fmt::format("{}: empty label after the TAB (expected `path<TAB>label`)", where));
    check_label(label, where);
    fs::path p(path);
    check_path(p, where);
    if (p.is_relative()) p = base_dir / p;
    out.push_back({std::move(p), std::string(label)});
  }
  if (out.empty()) throw Error(fmt::format("{}: no files listed", reader.name()));
  return out;
}

std::vector<LabelledFile> read_labelled_files(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return list_label_folders(path);
  return read_file_list(path);
}

}  // namespace attn::data
