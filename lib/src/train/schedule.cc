#include "attn/train/schedule.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace attn {

float WarmupCosineSchedule::lr_at(int64_t step) const {
  if (step < 0 || warmup_steps < 0 || total_steps < 0)
    throw std::invalid_argument("WarmupCosineSchedule: negative step count");
  if (step < warmup_steps)
    return static_cast<float>(static_cast<double>(peak_lr) * static_cast<double>(step + 1) /
                              static_cast<double>(warmup_steps));
  if (step >= total_steps) return min_lr;
  const double progress =
      static_cast<double>(step - warmup_steps) / static_cast<double>(total_steps - warmup_steps);
  const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
  return static_cast<float>(min_lr + (static_cast<double>(peak_lr) - min_lr) * cosine);
}

}  // namespace attn
