#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "attn/parallel.h"
#include "attn/rng.h"
#include "attn/train/optimizer.h"

namespace {

// torch.optim.AdamW's update for one element, written out in double (step t = 1, 2, ...).
struct ReferenceAdamW {
  double lr, beta1, beta2, eps, weight_decay;
  double p, m = 0, v = 0;
  int t = 0;
  void step(double g, bool decay) {
    ++t;
    if (decay) p -= lr * weight_decay * p;
    m = beta1 * m + (1 - beta1) * g;
    v = beta2 * v + (1 - beta2) * g * g;
    const double m_hat = m / (1 - std::pow(beta1, t));
    const double v_hat = v / (1 - std::pow(beta2, t));
    p -= lr * m_hat / (std::sqrt(v_hat) + eps);
  }
};

}  // namespace

TEST_CASE("AdamW first step by hand: decoupled decay, then a bias-corrected step of ~lr") {
  attn::Parameter w("w", {1});
  w.ensure_grad();
  w.value[0] = 1.0f;
  w.grad[0] = 0.5f;
  attn::AdamW opt(
      {.lr = 0.1f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f, .weight_decay = 0.01f});
  opt.step({&w});
  // p = 1 * (1 - 0.1 * 0.01) = 0.999; m_hat = 0.5; v_hat = 0.25; p -= 0.1 * 0.5 / (0.5 + 1e-8)
  CHECK(w.value[0] == doctest::Approx(0.999 - 0.1 * 0.5 / (0.5 + 1e-8)).epsilon(1e-7));
  CHECK(w.adam_m[0] == doctest::Approx(0.05).epsilon(1e-6));
  CHECK(w.adam_v[0] == doctest::Approx(0.00025).epsilon(1e-6));
  CHECK(w.grad[0] == 0.0f);  // step zeroes the gradient
  CHECK(opt.steps_taken() == 1);
}

TEST_CASE("AdamW matches PyTorch's formula over three steps, with and without decay") {
  const float lr = 0.05f, wd = 0.1f;
  attn::Parameter weight("weight", {2, 2}, /*decay=*/true);
  weight.ensure_grad();
  attn::Parameter bias("bias", {3}, /*decay=*/false);
  bias.ensure_grad();
  const float w0[4] = {0.5f, -1.25f, 2.0f, 0.0f};
  const float b0[3] = {0.1f, -0.3f, 0.7f};
  const float gw[3][4] = {
      {0.2f, -0.4f, 1.5f, 0.01f}, {-0.3f, -0.1f, 0.5f, 0.0f}, {0.05f, 0.6f, -2.0f, -0.2f}};
  const float gb[3][3] = {{1.0f, -0.5f, 0.0f}, {0.25f, 0.25f, 3.0f}, {-1.0f, 0.1f, -0.7f}};
  std::vector<ReferenceAdamW> rw, rb;
  for (int i = 0; i < 4; ++i) {
    weight.value[i] = w0[i];
    rw.push_back({lr, 0.9, 0.999, 1e-8, wd, w0[i]});
  }
  for (int i = 0; i < 3; ++i) {
    bias.value[i] = b0[i];
    rb.push_back({lr, 0.9, 0.999, 1e-8, wd, b0[i]});
  }
  attn::AdamW opt({.lr = lr, .weight_decay = wd});
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < 4; ++i) {
      weight.grad[i] = gw[s][i];
      rw[i].step(gw[s][i], true);
    }
    for (int i = 0; i < 3; ++i) {
      bias.grad[i] = gb[s][i];
      rb[i].step(gb[s][i], false);
    }
    opt.step({&weight, &bias});
    for (int i = 0; i < 4; ++i) CHECK(weight.value[i] == doctest::Approx(rw[i].p).epsilon(2e-6));
    for (int i = 0; i < 3; ++i) CHECK(bias.value[i] == doctest::Approx(rb[i].p).epsilon(2e-6));
    for (int i = 0; i < 4; ++i) CHECK(weight.adam_v[i] == doctest::Approx(rw[i].v).epsilon(2e-6));
  }
  // The step-2 value of element 0, written out: p1 -> p1 * (1 - lr wd) - lr m_hat / (sqrt(v_hat) +
  // eps) (guards the reference itself against a shared misreading of the formula).
  {
    double p = 0.5 * (1 - 0.005) - 0.05 * 1.0;  // step 1: m_hat = g, sqrt(v_hat) = |g|
    const double m = 0.9 * 0.1 * 0.2 + 0.1 * -0.3;
    const double v = 0.999 * 0.001 * 0.04 + 0.001 * 0.09;
    p = p * (1 - 0.005) - 0.05 * (m / 0.19) / (std::sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
    ReferenceAdamW r{lr, 0.9, 0.999, 1e-8, wd, 0.5};
    r.step(0.2f, true);
    r.step(-0.3f, true);
    CHECK(r.p == doctest::Approx(p).epsilon(1e-6));
  }
}

TEST_CASE("AdamW adds eps after dividing sqrt(v) by sqrt(1 - beta2^t), as PyTorch does") {
  // A large eps makes its placement visible: (sqrt(v) + eps) / sqrt(1 - beta2^t) would differ.
  attn::Parameter w("w", {1}, /*decay=*/false);
  w.ensure_grad();
  w.value[0] = 1.0f;
  ReferenceAdamW ref{0.1, 0.8, 0.95, 0.1, 0.0, 1.0};
  attn::AdamW opt({.lr = 0.1f, .beta1 = 0.8f, .beta2 = 0.95f, .eps = 0.1f, .weight_decay = 0.0f});
  for (float g : {0.3f, -0.2f}) {
    w.grad[0] = g;
    ref.step(g, false);
    opt.step({&w});
  }
  CHECK(w.value[0] == doctest::Approx(ref.p).epsilon(1e-6));
  // The other placement, written out for step 1 only, is clearly different.
  const double other = 1.0 - 0.1 * 0.3 / ((0.3 * std::sqrt(0.05) + 0.1) / std::sqrt(0.05));
  CHECK(other != doctest::Approx(1.0 - 0.1 * 0.3 / (0.3 + 0.1)).epsilon(1e-3));
}

TEST_CASE("AdamW with a schedule's lr uses that lr for step and decay") {
  attn::Parameter w("w", {1});
  w.ensure_grad();
  w.value[0] = 2.0f;
  w.grad[0] = -1.0f;
  attn::AdamW opt({.lr = 123.0f, .weight_decay = 0.5f});
  opt.step({&w}, 0.01f);
  CHECK(w.value[0] == doctest::Approx(2.0 * (1 - 0.005) + 0.01 / (1 + 1e-8)).epsilon(1e-7));
}

TEST_CASE("AdamW on a row-sparse table updates only touched rows (lazy moments)") {
  const int rows = 5, width = 3;
  attn::Parameter table("emb", {rows, width}, /*decay=*/true);
  table.ensure_grad();
  table.row_sparse = true;
  for (int i = 0; i < rows * width; ++i) table.value[i] = 0.1f * static_cast<float>(i + 1);
  const std::vector<float> initial = table.value.storage();
  std::vector<ReferenceAdamW> ref;
  for (int i = 0; i < rows * width; ++i) ref.push_back({0.1, 0.9, 0.999, 1e-8, 0.01, initial[i]});

  attn::AdamW opt({.lr = 0.1f, .weight_decay = 0.01f});
  // Step 1: rows 3 and 1 touched.
  for (int r : {3, 1}) {
    table.touch_row(r);
    for (int c = 0; c < width; ++c)
      table.grad[r * width + c] = 0.5f * static_cast<float>(c - 1) + 0.1f * r;
  }
  for (int r : {3, 1})
    for (int c = 0; c < width; ++c) ref[r * width + c].step(table.grad[r * width + c], true);
  opt.step({&table});
  CHECK(table.touched_rows.empty());
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < width; ++c) {
      const int i = r * width + c;
      if (r == 1 || r == 3) {
        CHECK(table.value[i] == doctest::Approx(ref[i].p).epsilon(2e-6));
      } else {
        CHECK(table.value[i] == initial[i]);  // no decay, no update
        CHECK(table.adam_m[i] == 0.0f);
      }
      CHECK(table.grad[i] == 0.0f);
    }
  const std::vector<float> row3_m(table.adam_m.data() + 3 * width, table.adam_m.data() + 4 * width);
  const std::vector<float> row3_value(table.value.data() + 3 * width,
                                      table.value.data() + 4 * width);

  // Step 2: only row 1. Its bias correction uses the global step t = 2; row 3 is frozen.
  table.touch_row(1);
  for (int c = 0; c < width; ++c) table.grad[width + c] = -0.2f * static_cast<float>(c + 1);
  for (int c = 0; c < width; ++c) ref[width + c].step(table.grad[width + c], true);
  opt.step({&table});
  for (int c = 0; c < width; ++c) {
    CHECK(table.value[width + c] == doctest::Approx(ref[width + c].p).epsilon(2e-6));
    CHECK(table.adam_m[3 * width + c] == row3_m[c]);
    CHECK(table.value[3 * width + c] == row3_value[c]);
  }
}

TEST_CASE("AdamW gives bit-identical results on 1 and 2 threads") {
  const int n = 100003;
  attn::Rng rng(7);
  attn::Parameter a("a", {n}), b("b", {n});
  a.ensure_grad(); b.ensure_grad();
  for (int i = 0; i < n; ++i) a.value[i] = b.value[i] = rng.normal();
  attn::AdamW opt_a({.lr = 0.01f}), opt_b({.lr = 0.01f});
  const int saved = attn::threads();
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < n; ++i) a.grad[i] = b.grad[i] = rng.uniform(-1, 1);
    attn::set_threads(1);
    opt_a.step({&a});
    attn::set_threads(2);
    opt_b.step({&b});
  }
  attn::set_threads(saved);
  CHECK(std::memcmp(a.value.data(), b.value.data(), sizeof(float) * n) == 0);
  CHECK(a.value[0] != 0.0f);
}

TEST_CASE("AdamW over many tensors at once: each element as PyTorch's formula, with its tensor's decay; 1 and 2 threads alike") {
  // Sizes around the step's 4,096-element pieces, decay on and off; the same tensors stepped on
  // 2 threads (a) and on 1 thread (b).
  const std::vector<int64_t> sizes{1, 4095, 4096, 4097, 10000};
  const float lr = 0.01f, wd = 0.1f;
  attn::Rng rng(11);
  std::vector<attn::Parameter> a, b;
  std::vector<std::vector<ReferenceAdamW>> ref(sizes.size());
  for (size_t t = 0; t < sizes.size(); ++t) {
    a.emplace_back(std::to_string(t), std::vector<int64_t>{sizes[t]}, t % 2 == 0);
    b.emplace_back(std::to_string(t), std::vector<int64_t>{sizes[t]}, t % 2 == 0);
    for (int64_t i = 0; i < sizes[t]; ++i) {
      a[t].value[i] = b[t].value[i] = rng.normal();
      ref[t].push_back({lr, 0.9, 0.999, 1e-8, wd, a[t].value[i]});
    }
  }
  attn::ParameterList pa, pb;
  for (size_t t = 0; t < sizes.size(); ++t) pa.push_back(&a[t]), pb.push_back(&b[t]);
  attn::AdamW opt_a({.lr = lr, .weight_decay = wd}), opt_b({.lr = lr, .weight_decay = wd});
  const int saved = attn::threads();
  for (int s = 0; s < 3; ++s) {
    for (size_t t = 0; t < sizes.size(); ++t) {
      a[t].ensure_grad();
      b[t].ensure_grad();
      for (int64_t i = 0; i < sizes[t]; ++i) {
        a[t].grad[i] = b[t].grad[i] = rng.uniform(-1, 1);
        ref[t][i].step(a[t].grad[i], t % 2 == 0);
      }
    }
    attn::set_threads(2);
    opt_a.step(pa);
    attn::set_threads(1);
    opt_b.step(pb);
  }
  attn::set_threads(saved);
  for (size_t t = 0; t < sizes.size(); ++t) {
    INFO("tensor " << t << " of " << sizes[t] << " elements");
    CHECK(std::memcmp(a[t].value.data(), b[t].value.data(), sizeof(float) * sizes[t]) == 0);
    int wrong = 0;  // elements off the reference (one CHECK per element would flood the log)
    for (int64_t i = 0; i < sizes[t]; ++i) wrong += std::abs(a[t].value[i] - ref[t][i].p) > 2e-6 * (1 + std::abs(ref[t][i].p));
    CHECK(wrong == 0);
    CHECK(a[t].grad[0] == 0.0f);  // every gradient is zeroed after the step
  }
}
