#include "attn/layers/loss.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace attn {
namespace {

void check_sizes(int B, int K, const char* what) {
  if (B <= 0 || K <= 0)
    throw std::invalid_argument(std::string(what) + ": batch and class counts must be positive");
}

// Sum of per-example losses in a fixed order, so the result does not depend on threads.
float batch_mean(const std::vector<double>& row_loss) {
  double total = 0.0;
  for (double l : row_loss) total += l;
  return static_cast<float>(total / static_cast<double>(row_loss.size()));
}

}  // namespace

float softmax_cross_entropy(int B, int K, const float* logits, const int32_t* labels,
                            float smoothing, float* dlogits, float* probs) {
  check_sizes(B, K, "softmax_cross_entropy");
  if (!(smoothing >= 0.0f && smoothing <= 1.0f))
    throw std::invalid_argument("softmax_cross_entropy: smoothing must be in [0, 1]");
  for (int b = 0; b < B; ++b)
    if (labels[b] < 0 || labels[b] >= K)
      throw std::out_of_range("softmax_cross_entropy: label " + std::to_string(labels[b]) +
                              " of row " + std::to_string(b) + " is outside [0, " +
                              std::to_string(K) + ")");
  const double eps = smoothing;
  const double on = 1.0 - eps;  // target weight of the true class, on top of eps / K
  std::vector<double> row_loss(B);
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(B) * K >= 16384)
  for (int b = 0; b < B; ++b) {
    const float* z = logits + static_cast<int64_t>(b) * K;  // z: (K)
    double zmax = z[0], zsum = 0.0;
    for (int k = 0; k < K; ++k) zmax = std::max(zmax, static_cast<double>(z[k]));
    double esum = 0.0;
    for (int k = 0; k < K; ++k) {
      esum += std::exp(z[k] - zmax);
      zsum += z[k];
    }
    const double lse = zmax + std::log(esum);  // log sum_k exp(z_k)
    // -sum_k q_k log p_k with log p_k = z_k - lse and sum_k q_k = 1
    row_loss[b] = lse - on * z[labels[b]] - eps / K * zsum;
    if (!probs && !dlogits) continue;
    for (int k = 0; k < K; ++k) {
      const double p = std::exp(z[k] - lse);
      if (probs) probs[static_cast<int64_t>(b) * K + k] = static_cast<float>(p);
      if (dlogits) {
        // d loss / d z_k = (p_k - q_k) / B
        const double q = eps / K + (k == labels[b] ? on : 0.0);
        dlogits[static_cast<int64_t>(b) * K + k] = static_cast<float>((p - q) / B);
      }
    }
  }
  return batch_mean(row_loss);
}

float ova_sigmoid_loss(int B, int K, const float* logits, const uint8_t* targets,
                       float* dlogits) {
  check_sizes(B, K, "ova_sigmoid_loss");
  const int64_t n = static_cast<int64_t>(B) * K;
  for (int64_t i = 0; i < n; ++i)
    if (targets[i] > 1)
      throw std::invalid_argument("ova_sigmoid_loss: target of row " + std::to_string(i / K) +
                                  ", label " + std::to_string(i % K) + " is not 0 or 1");
  std::vector<double> row_loss(B);
#pragma omp parallel for schedule(static) if (n >= 16384)
  for (int b = 0; b < B; ++b) {
    double sum = 0.0;
    for (int k = 0; k < K; ++k) {
      const int64_t i = static_cast<int64_t>(b) * K + k;
      const double z = logits[i], y = targets[i];
      sum += std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - y * z;  // softplus(z) - y z
      if (dlogits) {
        // d/dz [softplus(z) - y z] = sigmoid(z) - y, over B for the mean
        const double e = std::exp(-std::abs(z));
        const double sigmoid = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        dlogits[i] = static_cast<float>((sigmoid - y) / B);
      }
    }
    row_loss[b] = sum;
  }
  return batch_mean(row_loss);
}

}  // namespace attn
