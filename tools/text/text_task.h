#pragma once
// The text model as a classification task (attn/train/classify.h): tokenized items by index.
#include <string>
#include <vector>

#include "attn/text/model_file.h"
#include "attn/train/classify.h"

namespace attn::tools::text {

using attn::text::TextClassifier;
using attn::text::TokenizedText;

// Tokenizes every item (in parallel; order kept). keep_surface keeps token strings (--explain).
std::vector<TokenizedText> tokenize_all(const attn::text::Tokenizer& tokenizer,
                                        const std::vector<std::string>& texts, bool keep_surface);

// The model's tokenizer with another --max-len (same vocabulary and truncation rule).
attn::text::Tokenizer with_max_len(const attn::text::Tokenizer& tokenizer, int max_len);

struct TextItem;
// Labelled items as the model sees them: tokens, and label ids in `labels` (an unknown label is
// an error naming the item).
struct LabelledTokens {
  std::vector<TokenizedText> tokens;
  LabelIds ids;
};
LabelledTokens tokenize_items(const attn::text::Tokenizer& tokenizer, const std::vector<TextItem>& items,
                              const std::vector<std::string>& labels);

class TextTask : public ClassifierTask {
 public:
  TextTask(TextClassifier& model, const std::vector<TokenizedText>& tokens) : model_(model), tokens_(tokens) {}
  int num_labels() const override { return model_.config().num_labels; }
  ParameterList parameters() override { return model_.parameters(); }
  void forward(const Batch& items, Tensor& logits, const RunContext& ctx, bool training) override;
  void backward(const float* dlogits) override { model_.backward(cache_, dlogits); }

 private:
  TextClassifier& model_;
  const std::vector<TokenizedText>& tokens_;
  TextClassifier::Cache cache_;
};

}  // namespace attn::tools::text
