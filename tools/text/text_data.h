#pragma once
// Reading attn-text's inputs: labelled lines (fastText or label<TAB>text) or documents
// (a folder per label, or a path<TAB>label list), turned into texts with label ids.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/text/model_file.h"
#include "attn/text/readers.h"
#include "common/batch_errors.h"

namespace attn::tools::text {

struct TextItem {
  std::string id;    // "file:line" or the document's path
  std::string text;  // what the tokenizer sees (emails: subject, sender, body)
  std::vector<std::string> labels;
};

struct DataOptions {
  bool docs = false;  // --docs: inputs are whole files
  attn::text::DocumentOptions documents;
  attn::text::LineFormatOptions line_format;
};

// --docs, --input-format auto|fasttext|tsv, --label-prefix (train and eval read alike).
void add_text_input_flags(CLI::App& cmd, DataOptions& options);

// Training/evaluation data at `path` ("-" is stdin for line data). A bad line or document is
// an `errors` item (--keep-going: a warning, skipped); an input with no examples is an error.
std::vector<TextItem> read_labelled(const std::string& path, const DataOptions& options,
                                    BatchErrors& errors);

// The text a document's bytes become (emails are reduced to subject, sender and body).
std::string document_text(const std::string& bytes, const attn::text::DocumentOptions& options);

// Labels in first-seen order, sorted for a stable model: the model's label list.
std::vector<std::string> collect_labels(const std::vector<TextItem>& items);

}  // namespace attn::tools::text
