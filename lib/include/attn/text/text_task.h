#pragma once
// The text classifier as a classification task (attn/train/classify.h): tokenized items by
// index, and the tokenizing that feeds it.
#include <string>
#include <vector>

#include "attn/text/labelled_texts.h"
#include "attn/train/classify.h"

namespace attn::text {

// Tokenizes every text (in parallel; order kept). keep_surface keeps token strings (--explain).
std::vector<TokenizedText> tokenize_all(const Tokenizer& tokenizer, const std::vector<std::string>& texts,
                                        bool keep_surface = false);

// One predict batch through the model: texts in (with `documents`, raw documents, made text
// first: see document_text), probabilities out. With explain, also each item's tokens (with
// their strings) and the weight the pooled representation gave each (TextClassifier::explain).
struct TextPredictions {
  std::vector<float> probs;  // (B, K)
  std::vector<TokenizedText> tokens;
  std::vector<std::vector<float>> attention;
};
TextPredictions predict_texts(const TextClassifier& model, const Tokenizer& tokenizer, std::vector<std::string> texts,
                              const DocumentOptions* documents, bool explain);

class TextTask : public ModelTask<TextClassifier> {
 public:
  TextTask(TextClassifier& model, const std::vector<TokenizedText>& tokens) : ModelTask(model), tokens_(tokens) {}
  void forward(const Batch& items, Tensor& logits, const RunContext& ctx, bool training) override;
  // Tokens per item (for batching by length).
  std::vector<int> lengths() const;

 private:
  const std::vector<TokenizedText>& tokens_;
};

}  // namespace attn::text
