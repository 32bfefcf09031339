#pragma once
#include <cstdint>

namespace attn {

// Learning rate for optimizer step `step` (0-based: the number of steps already taken).
//   warm-up, step < warmup_steps:  peak_lr * (step + 1) / warmup_steps
//     (a linear ramp from 0; the first step already moves, the last warm-up step is at peak)
//   then cosine decay from peak_lr at step == warmup_steps to min_lr at step == total_steps:
//     min_lr + (peak_lr - min_lr) * (1 + cos(pi * (step - warmup_steps) / decay_steps)) / 2
//     with decay_steps = total_steps - warmup_steps;
//   step >= total_steps: min_lr.
struct WarmupCosineSchedule {
  float peak_lr = 1e-3f;
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;
  float min_lr = 0.0f;

  float lr_at(int64_t step) const;
};

}  // namespace attn
