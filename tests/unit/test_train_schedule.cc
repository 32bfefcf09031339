#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "attn/train/schedule.h"

TEST_CASE("warm-up ramps linearly to the peak, then cosine decays to min_lr") {
  const attn::WarmupCosineSchedule s{
      .peak_lr = 1e-3f, .warmup_steps = 10, .total_steps = 110, .min_lr = 1e-5f};
  CHECK(s.lr_at(0) == doctest::Approx(1e-4));
  CHECK(s.lr_at(4) == doctest::Approx(5e-4));
  CHECK(s.lr_at(9) == doctest::Approx(1e-3));
  CHECK(s.lr_at(10) == doctest::Approx(1e-3));
  CHECK(s.lr_at(60) == doctest::Approx(1e-5 + (1e-3 - 1e-5) * 0.5));
  CHECK(s.lr_at(35) ==
        doctest::Approx(1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + std::cos(std::numbers::pi * 0.25))));
  CHECK(s.lr_at(109) > 1e-5f);
  CHECK(s.lr_at(110) == doctest::Approx(1e-5));
  CHECK(s.lr_at(5000) == doctest::Approx(1e-5));
  for (int64_t t = 10; t < 110; ++t) CHECK(s.lr_at(t + 1) <= s.lr_at(t));
  CHECK_THROWS_AS(s.lr_at(-1), std::invalid_argument);
}

TEST_CASE("without warm-up the first step is at the peak; min_lr defaults to 0") {
  const attn::WarmupCosineSchedule s{.peak_lr = 0.5f, .warmup_steps = 0, .total_steps = 4};
  CHECK(s.lr_at(0) == doctest::Approx(0.5));
  CHECK(s.lr_at(2) == doctest::Approx(0.25));
  CHECK(s.lr_at(4) == 0.0f);
}
