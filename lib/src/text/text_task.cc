#include "attn/text/text_task.h"

#include "attn/data/labels.h"

namespace attn::text {

std::vector<TokenizedText> tokenize_all(const Tokenizer& tokenizer, const std::vector<std::string>& texts,
                                        bool keep_surface) {
  std::vector<TokenizedText> out(texts.size());
  const int64_t n = static_cast<int64_t>(texts.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t i = 0; i < n; ++i) out[i] = tokenizer.encode(texts[i], true, keep_surface);
  return out;
}

LabelledTokens tokenize_items(const Tokenizer& tokenizer, const std::vector<TextItem>& items,
                              const std::vector<std::string>& labels) {
  const data::LabelIndex index(labels);
  LabelledTokens out;
  std::vector<std::string> texts;
  for (const TextItem& item : items) {
    texts.push_back(item.text);
    out.ids.push_back(index.ids(item.labels, item.id));
  }
  out.tokens = tokenize_all(tokenizer, texts);
  return out;
}

std::unique_ptr<TextClassifier> new_text_classifier(const TextModelConfig& config, const TokenizerConfig& tokenizer,
                                                    const std::vector<TextItem>& items, Rng& rng) {
  VocabBuilder vocab(tokenizer);
  for (const TextItem& item : items) vocab.add(item.text);
  auto model = std::make_unique<TextClassifier>(config, vocab.build());
  model->init(rng);
  return model;
}

TextPredictions predict_texts(const TextClassifier& model, const Tokenizer& tokenizer, std::vector<std::string> texts,
                              const DocumentOptions* documents, bool explain) {
  if (documents != nullptr) {  // in parallel: email decoding is a large part of the work
    const int64_t n = static_cast<int64_t>(texts.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t i = 0; i < n; ++i) texts[i] = document_text(texts[i], *documents);
  }
  TextPredictions out;
  out.tokens = tokenize_all(tokenizer, texts, explain);
  std::vector<const TokenizedText*> batch;
  for (const auto& t : out.tokens) batch.push_back(&t);
  model.predict(batch, out.probs, explain ? &out.attention : nullptr);
  return out;
}

std::vector<int> TextTask::lengths() const {
  std::vector<int> out;
  for (const auto& t : tokens_) out.push_back(static_cast<int>(t.size()));
  return out;
}

void TextTask::forward(const Batch& items, Tensor& logits, const RunContext& ctx, bool training) {
  std::vector<const TokenizedText*> batch;
  for (int i : items) batch.push_back(&tokens_[i]);
  model_.forward(batch, logits, cache_, ctx, training);
}

}  // namespace attn::text
