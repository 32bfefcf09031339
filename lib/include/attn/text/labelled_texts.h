#pragma once
// Labelled texts for training and evaluation: lines (fastText or label<TAB>text) or documents
// (a folder per label, or a path<TAB>label list), emails reduced to the text the model reads.
#include <functional>
#include <string>
#include <vector>

#include "attn/data/labelled_files.h"
#include "attn/error.h"
#include "attn/text/model_file.h"
#include "attn/text/readers.h"

namespace attn::text {

struct TextItem {
  std::string id;    // "file:line" or the document's path
  std::string text;  // what the tokenizer sees (emails: subject, sender, body)
  std::vector<std::string> labels;
};

struct TextDataOptions {
  bool docs = false;  // inputs are whole files
  DocumentOptions documents;
  LineFormatOptions line_format;
};

// The text a document's bytes become (emails are reduced to subject, sender and body).
std::string document_text(const std::string& bytes, const DocumentOptions& options);

// A bad item: `item` is the document's path, or empty for a line (its error names the line).
using data::BadItemHandler;

// The items at `path` ("-": stdin, for lines). Without on_bad_item the first bad item throws.
// An input with no examples is attn::Error("<path>: no examples").
std::vector<TextItem> read_labelled_texts(const std::string& path, const TextDataOptions& options,
                                          const BadItemHandler& on_bad_item = {});

}  // namespace attn::text
