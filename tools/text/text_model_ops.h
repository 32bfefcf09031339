#pragma once
// What train, eval and predict do with a text model: tokenize, run batches, train.
#include <string>
#include <vector>

#include "attn/text/model_file.h"
#include "attn/train/fit.h"
#include "text_data.h"

namespace attn::tools::text {

using attn::text::TextClassifier;
using attn::text::TokenizedText;

// Tokenizes every item (in parallel; order kept). keep_surface keeps token strings (--explain).
std::vector<TokenizedText> tokenize_all(const attn::text::Tokenizer& tokenizer,
                                        const std::vector<std::string>& texts, bool keep_surface);

// The model's tokenizer with another --max-len (same vocabulary and truncation rule).
attn::text::Tokenizer with_max_len(const attn::text::Tokenizer& tokenizer, int max_len);

// Probabilities (B, K) for a batch: softmax, or per-label sigmoid for one-vs-all models.
// With explain, `attention` receives each item's per-token weights (see TextClassifier::explain).
void predict_probs(const TextClassifier& model, const std::vector<const TokenizedText*>& batch,
                   std::vector<std::vector<float>>& probs,
                   std::vector<std::vector<float>>* attention = nullptr);

// Drives TextClassifier for attn::fit: batches of tokenized items with label ids.
class TextTrainable : public TrainableModel {
 public:
  TextTrainable(TextClassifier& model, const std::vector<TokenizedText>& tokens,
                const std::vector<std::vector<int32_t>>& label_ids)
      : model_(model), tokens_(tokens), label_ids_(label_ids) {}
  ParameterList parameters() override { return model_.parameters(); }
  BatchStats train_batch(const Batch& items, const RunContext& ctx) override;

 private:
  TextClassifier& model_;
  const std::vector<TokenizedText>& tokens_;
  const std::vector<std::vector<int32_t>>& label_ids_;
  TextClassifier::Cache cache_;
};

// Mean loss and accuracy (top label among the item's labels) over a labelled set.
struct Evaluation {
  double loss = 0.0, accuracy = 0.0;
  std::vector<int32_t> predicted;  // top label per item
};
Evaluation evaluate(const TextClassifier& model, const std::vector<TokenizedText>& tokens,
                    const std::vector<std::vector<int32_t>>& label_ids, int batch_size = 64);

}  // namespace attn::tools::text
