#include "text_input.h"

#include "common/cli.h"
#include "common/labels.h"

namespace attn::tools::text {

void add_text_input_flags(CLI::App& cmd, DataOptions& options) {
  using attn::text::LineFormat;
  cmd.add_flag("--docs", options.docs, "Inputs are whole files (emails, articles): a folder per label or a path<TAB>label list");
  add_enum_option(cmd, "--input-format", options.line_format.format,
                  {{"auto", LineFormat::kAuto}, {"fasttext", LineFormat::kFastText}, {"tsv", LineFormat::kTsv}},
                  "Line format (auto: from the first line)");
  cmd.add_option("--label-prefix", options.line_format.label_prefix, "fastText label prefix")->capture_default_str();
}

std::vector<TextItem> read_labelled(const std::string& path, const DataOptions& options, BatchErrors& errors) {
  return attn::text::read_labelled_texts(path, options, [&](const std::string& item, const Error& e) { errors.fail(item, e.what()); });
}

LabelledTokens tokenize_items(const attn::text::Tokenizer& tokenizer, const std::vector<TextItem>& items,
                              const std::vector<std::string>& labels) {
  const LabelIndex index(labels);
  LabelledTokens out;
  std::vector<std::string> texts;
  for (const auto& item : items) {
    texts.push_back(item.text);
    out.ids.push_back(index.ids(item.labels, item.id));
  }
  out.tokens = attn::text::tokenize_all(tokenizer, texts);
  return out;
}

}  // namespace attn::tools::text
