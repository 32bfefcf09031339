#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "attn/layers/loss.h"
#include "layers_gradcheck.h"

using attn::ova_sigmoid_loss;
using attn::softmax_cross_entropy;
using attn::testing::check_gradient;
using attn::testing::random_vector;

TEST_CASE("softmax_cross_entropy: values by hand") {
  // Two equal logits: -log(1/2).
  const std::vector<float> even{0.0f, 0.0f};
  const int32_t zero = 0;
  CHECK(softmax_cross_entropy(1, 2, even.data(), &zero, 0.0f, nullptr, nullptr) ==
        doctest::Approx(std::log(2.0)));

  // logits (1, 2, 3), label 2: log(e + e^2 + e^3) - 3.
  const double lse = 3.40760596444438;
  const std::vector<float> z{1, 2, 3};
  const int32_t two = 2;
  CHECK(softmax_cross_entropy(1, 3, z.data(), &two, 0.0f, nullptr, nullptr) ==
        doctest::Approx(lse - 3));
  // Label smoothing 0.1 (PyTorch): q = 0.9 * onehot + 0.1 / 3, so
  //   -sum_k q_k (z_k - lse) = lse - 0.9 * z_2 - (0.1 / 3) * (1 + 2 + 3)
  CHECK(softmax_cross_entropy(1, 3, z.data(), &two, 0.1f, nullptr, nullptr) ==
        doctest::Approx(lse - 2.7 - 0.2));
  // smoothing 1: uniform target.
  CHECK(softmax_cross_entropy(1, 3, z.data(), &two, 1.0f, nullptr, nullptr) ==
        doctest::Approx(lse - 2.0));

  // The batch loss is the mean of the rows: (1, 2, 3) with label 2, (0, 0, 0) with label 1.
  const std::vector<float> batch{1, 2, 3, 0, 0, 0};
  const std::vector<int32_t> labels{2, 1};
  CHECK(softmax_cross_entropy(2, 3, batch.data(), labels.data(), 0.0f, nullptr, nullptr) ==
        doctest::Approx((lse - 3 + std::log(3.0)) / 2));
}

TEST_CASE("softmax_cross_entropy: probabilities, gradient and stability") {
  const std::vector<float> z{1, 2, 3, 1000, 0, -1000};
  const std::vector<int32_t> labels{0, 1};
  std::vector<float> probs(6), dlogits(6);
  const float loss = softmax_cross_entropy(2, 3, z.data(), labels.data(), 0.0f, dlogits.data(),
                                           probs.data());
  CHECK(std::isfinite(loss));
  // row 1: -log softmax(1000, 0, -1000)[1] = 1000 (+ e^-1000, nothing in double)
  CHECK(loss == doctest::Approx((0.5 * (3.40760596444438 - 1) + 0.5 * 1000)));
  const double e = std::exp(1.0), e2 = e * e, e3 = e2 * e, s = e + e2 + e3;
  CHECK(probs[0] == doctest::Approx(e / s));
  CHECK(probs[1] == doctest::Approx(e2 / s));
  CHECK(probs[2] == doctest::Approx(e3 / s));
  CHECK(probs[3] == 1.0f);
  CHECK(probs[4] == 0.0f);  // e^-1000 underflows to 0 without a NaN
  CHECK(dlogits[0] == doctest::Approx((e / s - 1) / 2));
  CHECK(dlogits[2] == doctest::Approx(e3 / s / 2));
  CHECK(dlogits[3] == doctest::Approx(0.5));
  CHECK(dlogits[4] == doctest::Approx(-0.5));
  for (float g : dlogits) CHECK(std::isfinite(g));
  // Gradient rows sum to 0 (softmax minus a distribution).
  CHECK(dlogits[0] + dlogits[1] + dlogits[2] == doctest::Approx(0.0).epsilon(1e-6));
}

TEST_CASE("softmax_cross_entropy: gradient matches finite differences") {
  attn::Rng rng(9);
  const int B = 4, K = 5;
  std::vector<float> z = random_vector(B * K, rng, 3.0f);
  const std::vector<int32_t> labels{0, 4, 2, 2};
  for (float smoothing : {0.0f, 0.1f, 0.5f}) {
    CAPTURE(smoothing);
    std::vector<float> dlogits(B * K);
    softmax_cross_entropy(B, K, z.data(), labels.data(), smoothing, dlogits.data(), nullptr);
    auto loss = [&] {
      return double(
          softmax_cross_entropy(B, K, z.data(), labels.data(), smoothing, nullptr, nullptr));
    };
    CHECK(check_gradient("dlogits", z.data(), dlogits.data(), B * K, loss,
                         {.eps = 1e-2f, .rtol = 1e-2, .atol = 1e-4, .max_checks = B * K}) == 0);
  }
}

TEST_CASE("softmax_cross_entropy: bad arguments throw") {
  const std::vector<float> z{1, 2, 3};
  std::vector<float> dlogits(3, 7.0f);
  for (int32_t bad : {-1, 3}) {
    CHECK_THROWS_AS(softmax_cross_entropy(1, 3, z.data(), &bad, 0.0f, dlogits.data(), nullptr),
                    std::out_of_range);
    CHECK(dlogits == std::vector<float>(3, 7.0f));
  }
  const int32_t ok = 0;
  CHECK_THROWS_AS(softmax_cross_entropy(1, 3, z.data(), &ok, -0.1f, nullptr, nullptr),
                  std::invalid_argument);
  CHECK_THROWS_AS(softmax_cross_entropy(1, 3, z.data(), &ok, 1.5f, nullptr, nullptr),
                  std::invalid_argument);
  CHECK_THROWS_AS(softmax_cross_entropy(1, 3, z.data(), &ok,
                                        std::numeric_limits<float>::quiet_NaN(), nullptr, nullptr),
                  std::invalid_argument);
  CHECK_THROWS_AS(softmax_cross_entropy(0, 3, z.data(), &ok, 0.0f, nullptr, nullptr),
                  std::invalid_argument);
}

TEST_CASE("ova_sigmoid_loss: values by hand (sum over labels, mean over examples)") {
  // softplus(0) - 0 = log 2; softplus(2) - 0; softplus(-3) + 3; softplus(1.5) - 1.5
  const std::vector<float> z{0, 2, -3, 1.5f};
  const std::vector<uint8_t> y{1, 0, 1, 1};
  const double expect[4] = {0.6931471805599453, 2.1269280110429727, 3.048587351573742,
                            0.20141327798275244};
  CHECK(ova_sigmoid_loss(1, 4, z.data(), y.data(), nullptr) ==
        doctest::Approx(expect[0] + expect[1] + expect[2] + expect[3]));
  CHECK(ova_sigmoid_loss(2, 2, z.data(), y.data(), nullptr) ==
        doctest::Approx((expect[0] + expect[1] + expect[2] + expect[3]) / 2));

  std::vector<float> dlogits(4);
  ova_sigmoid_loss(2, 2, z.data(), y.data(), dlogits.data());
  auto sigmoid = [](double v) { return 1 / (1 + std::exp(-v)); };
  for (int i = 0; i < 4; ++i) CHECK(dlogits[i] == doctest::Approx((sigmoid(z[i]) - y[i]) / 2));
}

TEST_CASE("ova_sigmoid_loss: stable for huge logits") {
  const std::vector<float> z{100, -100, 100, -100, 1e30f, -1e30f};
  const std::vector<uint8_t> y{0, 0, 1, 1, 1, 0};
  std::vector<float> dlogits(6);
  const float loss = ova_sigmoid_loss(1, 6, z.data(), y.data(), dlogits.data());
  CHECK(loss == doctest::Approx(100 + 0 + 0 + 100));  // confident mistakes cost |z|
  CHECK(dlogits[0] == doctest::Approx(1.0));
  CHECK(dlogits[1] == doctest::Approx(0.0));
  CHECK(dlogits[3] == doctest::Approx(-1.0));
  for (float g : dlogits) CHECK(std::isfinite(g));
}

TEST_CASE("ova_sigmoid_loss: gradient matches finite differences; bad targets throw") {
  attn::Rng rng(10);
  const int B = 3, K = 4;
  std::vector<float> z = random_vector(B * K, rng, 4.0f);
  std::vector<uint8_t> y(B * K);
  for (auto& v : y) v = static_cast<uint8_t>(rng.below(2));
  std::vector<float> dlogits(B * K);
  ova_sigmoid_loss(B, K, z.data(), y.data(), dlogits.data());
  auto loss = [&] { return double(ova_sigmoid_loss(B, K, z.data(), y.data(), nullptr)); };
  CHECK(check_gradient("dlogits", z.data(), dlogits.data(), B * K, loss,
                       {.eps = 1e-2f, .rtol = 1e-2, .atol = 1e-4, .max_checks = B * K}) == 0);

  y[5] = 2;
  CHECK_THROWS_AS(ova_sigmoid_loss(B, K, z.data(), y.data(), nullptr), std::invalid_argument);
  CHECK_THROWS_AS(ova_sigmoid_loss(B, 0, z.data(), y.data(), nullptr), std::invalid_argument);
}
