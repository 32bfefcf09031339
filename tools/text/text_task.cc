#include "text_task.h"

#include "model_loading.h"
#include "text_data.h"

namespace attn::tools::text {

std::vector<TokenizedText> tokenize_all(const attn::text::Tokenizer& tokenizer,
                                        const std::vector<std::string>& texts, bool keep_surface) {
  std::vector<TokenizedText> out(texts.size());
  const int64_t n = static_cast<int64_t>(texts.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t i = 0; i < n; ++i) out[i] = tokenizer.encode(texts[i], true, keep_surface);
  return out;
}

LabelledTokens tokenize_items(const attn::text::Tokenizer& tokenizer, const std::vector<TextItem>& items,
                              const std::vector<std::string>& labels) {
  std::vector<std::string> texts;
  for (const auto& item : items) texts.push_back(item.text);
  return {tokenize_all(tokenizer, texts, false), label_ids_of(items, labels)};
}

attn::text::Tokenizer with_max_len(const attn::text::Tokenizer& tokenizer, int max_len) {
  attn::text::TokenizerConfig config = tokenizer.config();
  config.max_len = max_len;
  std::vector<std::string> words;
  for (int32_t id = attn::text::kFirstWordId; id < tokenizer.vocab_size(); ++id)
    words.push_back(tokenizer.word(id));
  return attn::text::Tokenizer(config, std::move(words));
}

void TextTask::forward(const Batch& items, Tensor& logits, const RunContext& ctx, bool training) {
  std::vector<const TokenizedText*> batch;
  for (int i : items) batch.push_back(&tokens_[i]);
  model_.forward(batch, logits, cache_, ctx, training);
}

}  // namespace attn::tools::text
