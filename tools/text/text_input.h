#pragma once
// What attn-text's train and eval read alike: the data flags and the labelled items as the
// model sees them (the items: attn::text::read_labelled_texts, bad ones as BatchErrors items).
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/text/labelled_texts.h"
#include "attn/text/text_task.h"

namespace attn::tools::text {

using attn::text::TextClassifier;
using attn::text::TextItem;
using attn::text::read_labelled_texts;
using attn::text::LabelledTokens;
using attn::text::tokenize_items;
using DataOptions = attn::text::TextDataOptions;

// --docs, --input-format auto|fasttext|tsv, --label-prefix.
void add_text_input_flags(CLI::App& cmd, DataOptions& options);

}  // namespace attn::tools::text
