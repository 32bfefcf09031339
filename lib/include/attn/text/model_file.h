#pragma once
// Text classifier model files (attn/model_file.h) with the tensors of TextClassifier and
//   attn.task = "text-classification", attn.format_version = "1",
//   attn.config = {"model": {...}, "tokenizer": {...}, "documents": {...}},
//   attn.labels = ["ham", "spam"], attn.tokenizer = the tokenizer with its vocabulary.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attn/checkpoint.h"
#include "attn/model_file.h"
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

// The model part of attn.config, and back; reading checks every field (errors name it).
nlohmann::json model_config_to_json(const TextModelConfig& config);
TextModelConfig model_config_from(const ConfigReader& model);

// The header save_text_model writes (task, version, config, labels, tokenizer).
ModelHeader text_model_header(const TextModel& model);
// Atomic write in `storage` precision; extra_metadata is added as is (e.g. attn.train_command).
void save_text_model(const std::string& path, TextModel& model,
                     const std::map<std::string, std::string>& extra_metadata = {},
                     DType storage = DType::F32);
// Validates task, version, config, labels and every tensor's shape before building the model;
// attn::Error names what is wrong. The model has no gradient buffers.
TextModel load_text_model(const SafeTensorsFile& file);

}  // namespace attn::text
