#pragma once
// What attn-text's train and eval read alike: the data flags, the labelled items (bad ones as
// BatchErrors items) and the items as the model sees them.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/text/labelled_texts.h"
#include "attn/text/text_task.h"
#include "common/batch_errors.h"

namespace attn::tools::text {

using attn::text::TextClassifier;
using attn::text::TextItem;
using attn::text::TokenizedText;
using DataOptions = attn::text::TextDataOptions;

// --docs, --input-format auto|fasttext|tsv, --label-prefix.
void add_text_input_flags(CLI::App& cmd, DataOptions& options);

// The items at `path`; a bad line or document is an `errors` item (--keep-going: skipped).
std::vector<TextItem> read_labelled(const std::string& path, const DataOptions& options, BatchErrors& errors);

// Tokens, and label ids in `labels` (an unknown label is an error naming the item).
struct LabelledTokens {
  std::vector<TokenizedText> tokens;
  LabelIds ids;
};
LabelledTokens tokenize_items(const attn::text::Tokenizer& tokenizer, const std::vector<TextItem>& items,
                              const std::vector<std::string>& labels);

}  // namespace attn::tools::text
