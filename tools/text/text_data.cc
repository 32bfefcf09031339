#include "text_data.h"

#include <algorithm>
#include <filesystem>

#include "attn/error.h"
#include "attn/text/email.h"
#include "attn/data/input.h"
#include "attn/data/labelled_files.h"
#include "common/labels.h"
#include "common/cli.h"

namespace attn::tools::text {
namespace fs = std::filesystem;

std::string document_text(const std::string& bytes, const attn::text::DocumentOptions& options) {
  if (!attn::text::looks_like_email(bytes)) return bytes;
  attn::text::EmailOptions email;
  email.include_from = options.email_from;
  email.include_content_type = options.email_content_type;
  return attn::text::email_to_text(bytes, email);
}

namespace {

std::vector<TextItem> read_documents(const std::string& path, const attn::text::DocumentOptions& options,
                                     BatchErrors& errors) {
  const auto entries = data::read_labelled_files(path);
  std::vector<TextItem> items;
  items.reserve(entries.size());
  for (const auto& entry : entries)
    errors.run(entry.path.string(), [&] {
      items.push_back({entry.path.string(),
                       document_text(data::read_text_file(entry.path.string(), data::kMaxDocumentBytes), options),
                       {entry.label}});
    });
  return items;
}

std::vector<TextItem> read_lines(const std::string& path, const DataOptions& options, BatchErrors& errors) {
  data::LineReader reader(path);
  attn::text::BadLineHandler on_bad_line;
  if (errors.keep_going()) on_bad_line = [&](const Error& e) { errors.fail("", e.what()); };
  const auto examples = attn::text::read_labelled_lines(reader, options.line_format, on_bad_line);
  std::vector<TextItem> items;
  items.reserve(examples.size());
  for (const auto& e : examples)
    items.push_back({reader.name() + ":" + std::to_string(e.line), e.text, e.labels});
  return items;
}

}  // namespace

void add_text_input_flags(CLI::App& cmd, DataOptions& options) {
  using attn::text::LineFormat;
  cmd.add_flag("--docs", options.docs, "Inputs are whole files (emails, articles): a folder per label or a path<TAB>label list");
  add_enum_option(cmd, "--input-format", options.line_format.format,
                  {{"auto", LineFormat::kAuto}, {"fasttext", LineFormat::kFastText}, {"tsv", LineFormat::kTsv}},
                  "Line format (auto: from the first line)");
  cmd.add_option("--label-prefix", options.line_format.label_prefix, "fastText label prefix")->capture_default_str();
}

std::vector<TextItem> read_labelled(const std::string& path, const DataOptions& options,
                                    BatchErrors& errors) {
  auto items = options.docs ? read_documents(path, options.documents, errors) : read_lines(path, options, errors);
  if (items.empty()) throw Error(path + ": no examples");
  return items;
}

std::vector<std::string> collect_labels(const std::vector<TextItem>& items) {
  std::vector<std::string> names;
  for (const auto& item : items) names.insert(names.end(), item.labels.begin(), item.labels.end());
  return distinct_labels(std::move(names));
}

}  // namespace attn::tools::text
