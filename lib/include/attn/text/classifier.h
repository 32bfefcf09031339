#pragma once
// The text classifier: token + hashed n-gram embeddings, positions, a transformer encoder over
// a packed batch, CLS or mean pooling and a linear head.
#include <optional>
#include <string>
#include <vector>

#include "attn/context.h"
#include "attn/layers/embedding.h"
#include "attn/layers/encoder.h"
#include "attn/layers/hashed_embedding.h"
#include "attn/layers/linear.h"
#include "attn/layers/pooling.h"
#include "attn/layers/positional.h"
#include "attn/tensor.h"
#include "attn/text/tokenizer.h"
#include "attn/train/classify.h"

namespace attn::text {

enum class PosKind { Sinusoidal, Learned };

struct TextModelConfig {
  int dim = 64;
  int layers = 2;
  int heads = 4;
  int ff_dim = 256;
  float dropout = 0.1f;
  PosKind pos = PosKind::Learned;
  PoolKind pool = PoolKind::Mean;
  LossKind loss = LossKind::Softmax;
  float label_smoothing = 0.0f;
  int num_labels = 2;
};

std::string to_string(PosKind k);
std::string to_string(PoolKind k);

class TextClassifier {
 public:
  TextClassifier(const TextModelConfig& config, Tokenizer tokenizer);
  // The parameters TextClassifier(config, tokenizer) has, without building it.
  static ParameterShapes parameter_shapes(const TextModelConfig& config, const Tokenizer& tokenizer);

  const TextModelConfig& config() const { return config_; }
  const Tokenizer& tokenizer() const { return tokenizer_; }
  void init(Rng& rng);
  ParameterList parameters();
  int64_t parameter_count();

  // Everything one batch's forward keeps: the packed inputs, activations and encoder caches.
  struct Cache {
    Segments segs;
    std::vector<int32_t> word_ids;       // (T)
    std::vector<int64_t> ngram_offsets;  // (T+1)
    std::vector<int32_t> ngram_ids;
    Tensor x;       // (T, C) embeddings + positions
    Tensor h;       // (T, C) encoder output
    Tensor pooled;  // (B, C)
    Encoder::Cache encoder;
  };

  // logits: (B, K), B = items.size(). With keep_activations the cache can feed backward()
  // and explain(); otherwise inference runs the memory-light attention path.
  void forward(const std::vector<const TokenizedText*>& items, Tensor& logits, Cache& cache,
               const RunContext& ctx, bool keep_activations) const;
  // Accumulates parameter gradients from dlogits: (B, K).
  void backward(Cache& cache, const float* dlogits);
  // After forward(..., keep_activations=true): per token of item b, the attention weight the
  // pooled representation gave it in the last layer, averaged over heads.
  std::vector<float> explain(const Cache& cache, int item) const;

  // Inference over one batch: probs (B, K) through attn::probabilities; with `attention`, each
  // item's per-token weights (see explain()).
  void predict(const std::vector<const TokenizedText*>& items, std::vector<float>& probs,
               std::vector<std::vector<float>>* attention = nullptr) const;

 private:
  TextModelConfig config_;
  Tokenizer tokenizer_;
  Embedding words_;
  HashedEmbedding ngrams_;
  std::optional<SinusoidalPositions> sinusoidal_;  // one of the two, per config.pos
  std::optional<LearnedPositions> learned_;
  Encoder encoder_;
  Pooling pool_;
  Linear head_;
};

}  // namespace attn::text
