#pragma once
// Labelled files, whatever they hold (texts, images, recordings): a folder with one sub-folder
// per label, or a list of `path<TAB>label` lines. Paths and labels must be valid UTF-8 (they end
// up in model files and JSON output): anything else is an error naming the file, found here,
// before any work is done on the items.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "attn/data/input.h"
#include "attn/error.h"

namespace attn::data {

// A bad item of a reader that can skip it: `item` names it (a path; empty when the error names
// it already, e.g. "file:line"). The handler throws to stop, or returns to skip the item.
using BadItemHandler = std::function<void(const std::string& item, const Error& error)>;

// Runs fn() for the item named `item`. An attn::Error goes to on_bad_item, or is thrown when
// there is none. True if fn() succeeded.
template <class Fn>
bool run_item(const std::string& item, const BadItemHandler& on_bad_item, Fn&& fn) {
  try {
    fn();
    return true;
  } catch (const Error& e) {
    if (!on_bad_item) throw;
    on_bad_item(item, e);
    return false;
  }
}

struct LabelledFile {
  std::filesystem::path path;
  std::string label;
};

// Every regular file below each label folder of `root` (recursively), labels and paths in sorted
// (byte-wise) order. Names starting with '.' are skipped, as are files directly in `root`.
// Errors: not a folder, no label folders, a label folder without files, a name that is not UTF-8.
std::vector<LabelledFile> list_label_folders(const std::filesystem::path& root);

// A list file ("-": stdin) of "path<TAB>label" lines (blank lines skipped); relative paths are
// resolved against the list file's directory (stdin: the working directory). Errors name
// "list.tsv:3".
std::vector<LabelledFile> read_file_list(const std::string& list_file,
                                         size_t max_line_bytes = kDefaultMaxLineBytes);

// The same from an open reader; relative paths are resolved against base_dir.
std::vector<LabelledFile> read_file_list(LineReader& reader, const std::filesystem::path& base_dir);

// A folder is read as label folders, anything else as a list file.
std::vector<LabelledFile> read_labelled_files(const std::string& path);

// Throws attn::Error("<where>: label is empty" / "label is not valid UTF-8") for a label no model
// file could hold.
void check_label(std::string_view label, std::string_view where);

}  // namespace attn::data
