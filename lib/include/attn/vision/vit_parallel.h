#pragma once
// A ViT training step on T threads, data-parallel: the batch is cut into T chunks of images, and
// each chunk's forward and backward run serially on one thread, on a replica of the model (the
// same weights, its own gradients and activations). Threading layer by layer splits every small
// GEMM and waits at every layer; whole chunks keep the cores busy and each chunk's activations
// near its core. The replicas' gradients are summed into the model's in chunk order, so a seed
// and a thread count still give bit-identical results.
#include <vector>

#include "attn/context.h"
#include "attn/vision/vit.h"

namespace attn::vision {

class ViTDataParallel {
 public:
  explicit ViTDataParallel(ViT& model) : model_(model) {}

  // images: (B, S, S, channels), normalised   logits: (B, K). Keeps each chunk's activations.
  // Chunk c > 0 draws its dropout and drop-path masks from its own seed (masks are keyed by an
  // image's place in its call, so chunks sharing a seed would share masks).
  void forward(int B, const float* images, const RunContext& ctx, float* logits);
  // After forward: adds the gradients from dlogits (B, K) into the model's parameters.
  void backward(const float* dlogits);

  // Images per chunk at least: smaller chunks cost more in per-call overhead than they gain.
  static constexpr int kMinChunkImages = 4;

 private:
  // Replicas for `chunks` chunks, with the model's weights and zero gradients.
  void prepare_replicas(int chunks);
  ViT& runner(int c) { return c == 0 ? model_ : replicas_[c - 1]; }

  ViT& model_;                      // runs chunk 0
  std::vector<ViT> replicas_;       // chunk c > 0 runs on replicas_[c - 1]
  std::vector<ParameterList> replica_params_;  // replicas_[r]'s parameters
  std::vector<ViT::Cache> caches_;  // one per chunk
  std::vector<int> first_;          // chunk c holds images [first_[c], first_[c + 1])
};

}  // namespace attn::vision
