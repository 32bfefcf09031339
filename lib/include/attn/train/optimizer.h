#pragma once
#include <cstdint>

#include "attn/parameter.h"

namespace attn {

struct AdamWConfig {
  float lr = 1e-3f;  // used by step(params); a schedule passes its own lr to step(params, lr)
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float eps = 1e-8f;
  float weight_decay = 0.01f;  // applied only to parameters with decay == true
};

// AdamW with PyTorch's semantics (torch.optim.AdamW, amsgrad off), step t = 1, 2, ...:
//   p -= lr * weight_decay * p                    (decoupled decay, before the Adam update)
//   m  = beta1 * m + (1 - beta1) * g
//   v  = beta2 * v + (1 - beta2) * g^2
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// Moments live in Parameter::adam_m / adam_v and are allocated (zeroed) on first use.
//
// Row-sparse parameters (embedding tables) are updated lazily, as in fastText, PyTorch's
// SparseAdam and TensorFlow's LazyAdam: only the rows in touched_rows get decay, moment
// and value updates; the moments of untouched rows are left as they are (not decayed
// towards zero), and the bias correction uses the optimizer's global step count t.
//
// Every step ends with zero_grad() on each parameter. Elements are split over attn's
// threads with a static schedule; each element's update is independent of the others,
// so results do not depend on the thread count.
class AdamW {
 public:
  explicit AdamW(AdamWConfig config = {});

  void step(const ParameterList& params);            // learning rate config().lr
  void step(const ParameterList& params, float lr);  // learning rate from a schedule

  const AdamWConfig& config() const { return config_; }
  int64_t steps_taken() const { return step_count_; }

 private:
  AdamWConfig config_;
  int64_t step_count_ = 0;
};

}  // namespace attn
