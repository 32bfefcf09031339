#pragma once
// Text classifier model files: safetensors with the tensors of TextClassifier and
//   attn.task = "text-classification", attn.format_version = "1",
//   attn.config = {"model": {...}, "tokenizer": {...}}  (every hyperparameter),
//   attn.labels = ["ham", "spam"], attn.tokenizer = the tokenizer with its vocabulary.
#include <memory>
#include <string>
#include <vector>

#include "attn/checkpoint.h"
#include "attn/text/classifier.h"

namespace attn::text {

inline constexpr const char* kTextTask = "text-classification";
inline constexpr const char* kTextFormatVersion = "1";

// How documents (--docs) become text; stored as attn.config "documents".
struct DocumentOptions {
  bool email_from = true;          // emails: keep the sender's display name and domain
  bool email_content_type = true;  // emails: keep the content type
};

struct TextModel {
  std::unique_ptr<TextClassifier> classifier;
  std::vector<std::string> labels;  // id order
  DocumentOptions documents;
};

// Atomic write (temporary file, then rename). extra_metadata is added as is (e.g. the
// command line that trained the model).
// storage F16 halves the file (weights rounded to half precision; loaded back as float).
void save_text_model(const std::string& path, TextModel& model,
                     const std::map<std::string, std::string>& extra_metadata = {},
                     DType storage = DType::F32);
// Validates task, version, config, labels and every tensor; attn::Error names what is wrong.
TextModel load_text_model(const SafeTensorsFile& file);

}  // namespace attn::text
