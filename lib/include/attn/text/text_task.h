#pragma once
// The text classifier as a classification task (attn/train/classify.h): tokenized items by
// index, and the tokenizing that feeds it.
#include <memory>
#include <string>
#include <vector>

#include "attn/rng.h"
#include "attn/text/labelled_texts.h"
#include "attn/train/classify.h"

namespace attn::text {

// Tokenizes every text (in parallel; order kept). keep_surface keeps token strings (--explain).
std::vector<TokenizedText> tokenize_all(const Tokenizer& tokenizer, const std::vector<std::string>& texts,
                                        bool keep_surface = false);

// Items as the classifier sees them: their tokens, and each one's label ids in `labels` (an
// unknown label is an attn::Error naming the item).
struct LabelledTokens {
  std::vector<TokenizedText> tokens;
  LabelIds ids;
};
LabelledTokens tokenize_items(const Tokenizer& tokenizer, const std::vector<TextItem>& items,
                              const std::vector<std::string>& labels);

// A classifier to train on `items`: its vocabulary built from their texts (VocabBuilder), its
// weights drawn from `rng`.
std::unique_ptr<TextClassifier> new_text_classifier(const TextModelConfig& config, const TokenizerConfig& tokenizer,
                                                    const std::vector<TextItem>& items, Rng& rng);

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
