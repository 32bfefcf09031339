#include "attn/vision/vit_parallel.h"

#include <algorithm>
#include <stdexcept>

#include "attn/parallel.h"

namespace attn::vision {

void ViTDataParallel::prepare_replicas(int chunks) {
  const size_t had = replicas_.size();
  while (static_cast<int>(replicas_.size()) < chunks - 1) replicas_.emplace_back(model_.config());
  // Parameter lists point into the replicas, and a new replica may move the others: collect
  // them again only then, not every step.
  if (replicas_.size() != had) {
    replica_params_.clear();
    for (ViT& r : replicas_) replica_params_.push_back(r.parameters());
  }
  if (static_cast<int>(caches_.size()) < chunks) caches_.resize(chunks);
  const ParameterList params = model_.parameters();
  for (int r = 0; r + 1 < chunks; ++r) {
    const ParameterList& mine = replica_params_[r];
    for (size_t i = 0; i < params.size(); ++i) {
      const auto& from = params[i]->value.storage();
      std::copy(from.begin(), from.end(), mine[i]->value.storage().begin());
      mine[i]->zero_grad();
    }
  }
}

void ViTDataParallel::forward(int B, const float* images, const RunContext& ctx, float* logits) {
  const ViTConfig& c = model_.config();
  const int K = c.num_labels, chunks = std::clamp(B / kMinChunkImages, 1, threads());
  const size_t image = size_t(c.image_size) * c.image_size * c.channels;
  first_.resize(chunks + 1);
  for (int i = 0; i <= chunks; ++i) first_[i] = static_cast<int>(int64_t(B) * i / chunks);
  prepare_replicas(chunks);
#pragma omp parallel for schedule(static, 1) num_threads(chunks)
  for (int i = 0; i < chunks; ++i) {
    const RunContext mine{ctx.training, ctx.seed ^ (uint64_t(i) * 0x2545F4914F6CDD1Dull)};
    Tensor out;
    runner(i).forward(first_[i + 1] - first_[i], images + first_[i] * image, out, caches_[i], mine, true);
    std::copy(out.storage().begin(), out.storage().end(), logits + size_t(first_[i]) * K);
  }
}

void ViTDataParallel::backward(const float* dlogits) {
  const int K = model_.config().num_labels, chunks = static_cast<int>(first_.size()) - 1;
  if (chunks < 1) throw std::logic_error("ViTDataParallel::backward before forward");
  const ParameterList params = model_.parameters();
  const int n = static_cast<int>(params.size());
#pragma omp parallel num_threads(chunks)
  {
#pragma omp for schedule(static, 1)
    for (int i = 0; i < chunks; ++i) runner(i).backward(caches_[i], dlogits + size_t(first_[i]) * K);
    // The replicas' gradients into the model's, parameter by parameter, each summed in chunk
    // order.
#pragma omp for schedule(dynamic, 1)
    for (int i = 0; i < n; ++i) {
      float* to = params[i]->ensure_grad().data();
      for (int r = 0; r + 1 < chunks; ++r) {
        const float* from = replica_params_[r][i]->grad.data();
        for (int64_t k = 0; k < params[i]->value.size(); ++k) to[k] += from[k];
      }
    }
  }
}

}  // namespace attn::vision
