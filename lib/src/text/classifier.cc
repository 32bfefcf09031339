#include "attn/text/classifier.h"

#include <algorithm>
#include <stdexcept>

namespace attn::text {
namespace {

EncoderConfig encoder_config(const TextModelConfig& c) {
  EncoderConfig e;
  e.layers = c.layers;
  e.dim = c.dim;
  e.heads = c.heads;
  e.ff_dim = c.ff_dim;
  e.dropout = c.dropout;
  e.mask = MaskKind::None;
  e.final_norm = true;
  return e;
}

void add_into(int64_t n, const float* a, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] += a[i];
}

}  // namespace

TextClassifier::TextClassifier(const TextModelConfig& config, Tokenizer tokenizer)
    : config_(config),
      tokenizer_(std::move(tokenizer)),
      words_("embed.words", tokenizer_.vocab_size(), config.dim),
      ngrams_("embed.ngrams", std::max(1, tokenizer_.buckets()), config.dim),
      encoder_("encoder", encoder_config(config)),
      pool_(config.pool),
      head_("head", config.dim, config.num_labels) {
  const int max_len = tokenizer_.config().max_len;
  if (config.pos == PosKind::Learned)
    learned_.emplace("embed.positions", max_len, config.dim);
  else
    sinusoidal_.emplace(config.dim, max_len);
}

ParameterShapes TextClassifier::parameter_shapes(const TextModelConfig& c, const Tokenizer& tokenizer) {
  const int64_t C = c.dim;
  ParameterShapes out = {{"embed.words.weight", {tokenizer.vocab_size(), C}}};
  if (tokenizer.buckets() > 0) out.push_back({"embed.ngrams.weight", {tokenizer.buckets(), C}});
  if (c.pos == PosKind::Learned) out.push_back({"embed.positions.weight", {tokenizer.config().max_len, C}});
  Encoder::parameter_shapes("encoder", encoder_config(c), out);
  out.push_back({"head.weight", {c.num_labels, C}});
  out.push_back({"head.bias", {c.num_labels}});
  return out;
}

void TextClassifier::init(Rng& rng) {
  // Small embeddings: the pre-LN encoder normalises its inputs, and small tables keep
  // early steps from being dominated by a few frequent rows.
  words_.init(rng, 0.1f);
  ngrams_.init(rng, 0.1f);
  if (learned_) learned_->init(rng, 0.02f);
  encoder_.init(rng);
  head_.init(rng);
}

ParameterList TextClassifier::parameters() {
  ParameterList params;
  words_.collect(params);
  if (tokenizer_.buckets() > 0) ngrams_.collect(params);
  if (learned_) learned_->collect(params);
  encoder_.collect(params);
  head_.collect(params);
  return params;
}

int64_t TextClassifier::parameter_count() {
  int64_t n = 0;
  for (const Parameter* p : parameters()) n += p->value.size();
  return n;
}

void TextClassifier::forward(const std::vector<const TokenizedText*>& items, Tensor& logits,
                             Cache& cache, const RunContext& ctx, bool keep_activations) const {
  const int B = static_cast<int>(items.size());
  const int C = config_.dim;
  // Pack the batch: rows of all items back to back, n-gram lists re-based.
  std::vector<int> lengths(B);
  cache.word_ids.clear();
  cache.ngram_ids.clear();
  cache.ngram_offsets.assign(1, 0);
  for (int b = 0; b < B; ++b) {
    const TokenizedText& item = *items[b];
    lengths[b] = static_cast<int>(item.size());
    cache.word_ids.insert(cache.word_ids.end(), item.word_ids.begin(), item.word_ids.end());
    const int64_t base = static_cast<int64_t>(cache.ngram_ids.size());
    for (size_t t = 0; t < item.size(); ++t)
      cache.ngram_offsets.push_back(base + item.ngram_offsets[t + 1]);
    cache.ngram_ids.insert(cache.ngram_ids.end(), item.ngram_ids.begin(), item.ngram_ids.end());
  }
  cache.segs = Segments::from_lengths(lengths);
  const int T = cache.segs.total();

  // x = word embedding + mean of n-gram buckets + position      x: (T, C)
  cache.x.resize({T, C});
  words_.forward(T, cache.word_ids.data(), cache.x.data());
  if (tokenizer_.buckets() > 0) {
    Tensor g({T, C});
    ngrams_.forward(T, cache.ngram_offsets.data(), cache.ngram_ids.data(), g.data());
    add_into(g.size(), g.data(), cache.x.data());
  }
  if (learned_) learned_->add(cache.segs, cache.x.data());
  if (sinusoidal_) sinusoidal_->add(cache.segs, cache.x.data());

  cache.h.resize({T, C});  // h: (T, C)
  encoder_.forward(cache.segs, cache.x.data(), cache.h.data(),
                   keep_activations ? &cache.encoder : nullptr, ctx);
  cache.pooled.resize({B, C});  // pooled: (B, C)
  pool_.forward(cache.segs, cache.h.data(), C, cache.pooled.data());
  logits.resize({B, config_.num_labels});  // logits: (B, K)
  head_.forward(B, cache.pooled.data(), logits.data());
}

void TextClassifier::backward(Cache& cache, const float* dlogits) {
  const int B = cache.segs.count();
  const int T = cache.segs.total();
  const int C = config_.dim;
  Tensor dpooled({B, C});
  head_.backward(B, cache.pooled.data(), dlogits, dpooled.data());  // logits = head(pooled)
  Tensor dh({T, C});
  pool_.backward(cache.segs, cache.h.data(), dpooled.data(), C, dh.data());  // pooled = pool(h)
  Tensor dx({T, C});
  encoder_.backward(cache.segs, cache.x.data(), dh.data(), dx.data(), cache.encoder);  // h = enc(x)
  // x = words + ngrams + positions: the same dx flows to each term.
  if (learned_) learned_->backward(cache.segs, dx.data());
  words_.backward(T, cache.word_ids.data(), dx.data());
  if (tokenizer_.buckets() > 0)
    ngrams_.backward(T, cache.ngram_offsets.data(), cache.ngram_ids.data(), dx.data());
}

void TextClassifier::predict(const std::vector<const TokenizedText*>& items, std::vector<float>& probs,
                             std::vector<std::vector<float>>* attention) const {
  Cache cache;
  Tensor logits;  // (B, K)
  forward(items, logits, cache, RunContext{}, attention != nullptr);
  const int B = static_cast<int>(items.size()), K = config_.num_labels;
  probs.resize(static_cast<size_t>(B) * K);
  probabilities(config_.loss, B, K, logits.data(), probs.data());
  if (!attention) return;
  attention->resize(B);
  for (int b = 0; b < B; ++b) (*attention)[b] = explain(cache, b);
}

std::vector<float> TextClassifier::explain(const Cache& cache, int item) const {
  const int begin = cache.segs.offsets[item];
  const int length = cache.segs.length(item);
  std::vector<float> weight(length, 0.0f);
  // The pooled vector reads the CLS row (Cls) or every row equally (Mean): its attention over
  // tokens is that query row's distribution, or the mean of all rows' distributions.
  const int first_query = begin;
  const int queries = config_.pool == PoolKind::Cls ? 1 : length;
  std::vector<std::pair<int, float>> row;
  for (int q = first_query; q < first_query + queries; ++q) {
    encoder_.last_attention_row(cache.segs, cache.encoder, /*head=*/-1, q, row);
    for (const auto& [key, p] : row) weight[key - begin] += p;
  }
  const float norm = 1.0f / static_cast<float>(queries);
  for (float& w : weight) w *= norm;
  return weight;
}

}  // namespace attn::text
