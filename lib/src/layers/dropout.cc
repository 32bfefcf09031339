#include "attn/layers/dropout.h"

#include <algorithm>
#include <stdexcept>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace attn {

#if defined(__AVX2__)
namespace {

// a * b mod 2^64 in each 64-bit lane, from 32-bit products (AVX2 has no 64-bit multiply).
inline __m256i mul64(__m256i a, uint64_t b) {
  const __m256i b_lo = _mm256_set1_epi64x(static_cast<int64_t>(b & 0xffffffffull));
  const __m256i b_hi = _mm256_set1_epi64x(static_cast<int64_t>(b >> 32));
  const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(a, b_hi),
                                         _mm256_mul_epu32(_mm256_srli_epi64(a, 32), b_lo));
  return _mm256_add_epi64(_mm256_mul_epu32(a, b_lo), _mm256_slli_epi64(cross, 32));
}

// The top 24 bits of hashed_uniform's mix for 4 consecutive indices, as 4 int32 in 128 bits.
inline __m128i hash_bits4(uint64_t base, __m256i index) {
  __m256i z = _mm256_xor_si256(_mm256_set1_epi64x(static_cast<int64_t>(base)),
                               mul64(index, 0xD1B54A32D192ED03ull));
  z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), 0xBF58476D1CE4E5B9ull);
  z = mul64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), 0x94D049BB133111EBull);
  z = _mm256_srli_epi64(_mm256_xor_si256(z, _mm256_srli_epi64(z, 31)), 40);
  // the low 32 bits of each lane hold the value: gather lanes 0, 2, 4, 6
  return _mm256_castsi256_si128(
      _mm256_permutevar8x32_epi32(z, _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7)));
}

}  // namespace
#endif

void dropout_scales(uint64_t seed, uint64_t stream, float p, uint64_t first, int64_t n,
                    float* scale) {
  const float keep = 1.0f / (1.0f - p);
  int64_t t = 0;
#if defined(__AVX2__)
  // hashed_uniform's first line with the index term split off
  const uint64_t base = seed ^ (stream * 0x9E3779B97F4A7C15ull);
  const __m256 vp = _mm256_set1_ps(p), vkeep = _mm256_set1_ps(keep);
  const __m256 unit = _mm256_set1_ps(1.0f / 16777216.0f);
  for (; t + 8 <= n; t += 8) {
    const uint64_t i = first + static_cast<uint64_t>(t);
    const __m256i lo = _mm256_setr_epi64x(i, i + 1, i + 2, i + 3);
    const __m256i hi = _mm256_add_epi64(lo, _mm256_set1_epi64x(4));
    const __m256i bits = _mm256_setr_m128i(hash_bits4(base, lo), hash_bits4(base, hi));
    const __m256 u = _mm256_mul_ps(_mm256_cvtepi32_ps(bits), unit);
    _mm256_storeu_ps(scale + t, _mm256_and_ps(_mm256_cmp_ps(u, vp, _CMP_GE_OQ), vkeep));
  }
#endif
  for (; t < n; ++t)
    scale[t] = hashed_uniform(seed, stream, first + static_cast<uint64_t>(t)) >= p ? keep : 0.0f;
}

namespace {

// The forward and the backward are the same map: multiply by the mask scale.
void apply_mask(const Dropout& d, int64_t n, const float* in, float* out, uint64_t seed) {
  constexpr int64_t kBlock = 512;
  const int64_t blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (n > (1 << 14))
  for (int64_t b = 0; b < blocks; ++b) {
    float scale[kBlock];
    const int64_t i0 = b * kBlock, m = std::min(kBlock, n - i0);
    dropout_scales(seed, d.stream(), d.p(), static_cast<uint64_t>(i0), m, scale);
    for (int64_t t = 0; t < m; ++t) out[i0 + t] = in[i0 + t] * scale[t];
  }
}

}  // namespace

uint64_t dropout_stream_id(const std::string& name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

Dropout::Dropout(const std::string& name, float p) : p_(p), stream_(dropout_stream_id(name)) {
  if (!(p >= 0.0f && p < 1.0f))
    throw std::invalid_argument("Dropout " + name + ": p must be in [0, 1)");
}

float Dropout::scale_at(uint64_t seed, int64_t i) const {
  return hashed_uniform(seed, stream_, static_cast<uint64_t>(i)) >= p_ ? 1.0f / (1.0f - p_) : 0.0f;
}

void Dropout::forward(int64_t n, const float* x, float* y, const RunContext& ctx) const {
  if (!active(ctx)) {
    if (y != x) std::copy(x, x + n, y);
    return;
  }
  apply_mask(*this, n, x, y, ctx.seed);
}

void Dropout::backward(int64_t n, const float* dy, float* dx, const RunContext& ctx) const {
  if (!active(ctx)) {  // from y = x
    if (dx != dy) std::copy(dy, dy + n, dx);
    return;
  }
  apply_mask(*this, n, dy, dx, ctx.seed);  // from y = x * mask / (1 - p)
}

}  // namespace attn
