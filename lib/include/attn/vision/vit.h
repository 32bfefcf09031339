#pragma once
// The vision transformer (Dosovitskiy et al. 2021): patch embedding (linear, or a small
// convolutional stem), a class token, learned positions, a pre-LN encoder, CLS, mean or
// attention pooling (attention_pool.h) and a linear head.
//   tokens per image T1 = 1 + N (class token first), N = (S/p)^2;  a batch packs B*T1 rows.
#include <optional>
#include <string>
#include <vector>

#include "attn/context.h"
#include "attn/layers/attention_pool.h"
#include "attn/layers/encoder.h"
#include "attn/layers/linear.h"
#include "attn/layers/pooling.h"
#include "attn/layers/positional.h"
#include "attn/tensor.h"
#include "attn/vision/conv_stem.h"
#include "attn/vision/patch_embedding.h"

namespace attn::vision {

// How images become tokens: one linear map per p x p patch, or ConvStem's 3x3 convolutions.
enum class StemKind { Linear, Conv };

struct ViTConfig {
  int image_size = 28;  // S: inputs are S x S
  int channels = 1;     // 1 grey, 3 RGB
  int patch = 4;        // p, divides S (StemKind::Conv: a power of two)
  StemKind stem = StemKind::Linear;
  int dim = 64;         // C
  int layers = 4;
  int heads = 4;
  float mlp_ratio = 2.0f;  // feed-forward width = dim * mlp_ratio
  float dropout = 0.0f;
  float drop_path = 0.1f;
  bool locality = false;  // locality self-attention (multihead_attention.h)
  PoolKind pool = PoolKind::Cls;  // Cls, Mean or Attention
  int num_labels = 10;  // K

  int tokens() const { return 1 + (image_size / patch) * (image_size / patch); }  // T1
  int ff_dim() const;
};

// attn.config's "model" object and back; from_json checks every field (attn::Error naming it).
std::string vit_config_to_json(const ViTConfig& config);
ViTConfig vit_config_from_json(const std::string& json);
// Throws attn::Error naming the setting when the shape is impossible (heads, patch, sizes).
void check_vit_config(const ViTConfig& config);

class ViT {
 public:
  struct Cache {
    int B = 0;
    Segments segs;                    // B sequences of T1 rows
    PatchEmbedding::Cache patches;
    ConvStem::Cache stem;
    Tensor embedded;                  // (B*N, C) patch embeddings
    Tensor x;                         // (B*T1, C) class token + patches, plus positions
    Tensor h;                         // (B*T1, C) encoder output
    Tensor pooled;                    // (B, C)
    AttentionPool::Cache pool;        // PoolKind::Attention: each row's weight in its image's pool
    Encoder::Cache encoder;
    Tensor dh, de;                    // backward's scratch: d(encoder output), d(embedded)
  };

  explicit ViT(const ViTConfig& config);

  const ViTConfig& config() const { return config_; }
  void init(Rng& rng);
  ParameterList parameters();
  int64_t parameter_count();

  // images: (B, S, S, channels), normalised   logits: (B, K)
  // keep_activations: fill the cache for backward() and attention_maps(); otherwise the
  // encoder runs its memory-light inference path.
  void forward(int B, const float* images, Tensor& logits, Cache& cache, const RunContext& ctx,
               bool keep_activations) const;
  // Accumulates parameter gradients from dlogits: (B, K).
  void backward(Cache& cache, const float* dlogits);

  // After forward(..., keep_activations=true): image b's head-averaged attention of every
  // layer, each (T1, T1) row-major (rows: queries), for attention rollout.
  std::vector<std::vector<float>> attention_maps(const Cache& cache, int b) const;
  // After forward: how much of each of image b's T1 final token states the head reads (sums to
  // 1): the class token alone, every token alike (mean), or the attention pool's weights.
  std::vector<float> readout_weights(const Cache& cache, int b) const;

  // Inference runs a batch in chunks of about this many token rows (see forward).
  static constexpr int kInferenceChunkRows = 256;

 private:
  // forward's work for B images, logits: (B, K).
  void run(int B, const float* images, float* logits, Cache& cache, const RunContext& ctx,
           bool keep_activations) const;

  ViTConfig config_;
  std::optional<PatchEmbedding> embed_;  // StemKind::Linear
  std::optional<ConvStem> stem_;         // StemKind::Conv
  Parameter cls_;  // (1, C) "cls_token"
  LearnedPositions positions_;
  Encoder encoder_;
  Pooling pool_;                           // PoolKind::Cls and Mean
  std::optional<AttentionPool> attn_pool_;  // PoolKind::Attention
  Linear head_;
};

}  // namespace attn::vision
