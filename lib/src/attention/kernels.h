#pragma once
// Vector kernels for the softmax rows and the sparse path (private to src/attention).
// AVX2+FMA is the project's baseline (-march=x86-64-v3); the scalar branch keeps other
// targets building. Every reduction runs in a fixed lane order, so results never depend
// on the thread count.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define ATTN_ATTENTION_AVX2 1
#endif

namespace attn::attention_detail {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// max(x, 0) + slope * min(x, 0), the two parts taken from the sign bit: GCC turns a select
// with a product into a branch, which stops the loops over heads from vectorising.
inline float leaky_relu(float x, float slope) {
  const int32_t b = std::bit_cast<int32_t>(x);
  return std::bit_cast<float>(b & ~(b >> 31)) + slope * std::bit_cast<float>(b & (b >> 31));
}
inline float leaky_relu_grad(float x, float slope) { return x > 0.0f ? 1.0f : slope; }

#ifdef ATTN_ATTENTION_AVX2

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// exp(x) for x <= 88; exactly 0 below -87.3 (so -inf, the masked score, gives 0).
// Cephes-style: 2^n * p(r) with r = x - n ln 2, relative error about 2 ulp.
inline __m256 exp8(__m256 x) {
  const __m256 underflow = _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ);
  x = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(88.0f)), _mm256_set1_ps(-87.3f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
  p = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
  const __m256i e = _mm256_slli_epi32(
      _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_andnot_ps(underflow, _mm256_mul_ps(p, _mm256_castsi256_ps(e)));
}

// max of x[0..n), -inf for n == 0.
inline float max_of(const float* x, int n) {
  __m256 m = _mm256_set1_ps(kNegInf);
  int i = 0;
  for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
  float r = hmax(m);
  for (; i < n; ++i) r = x[i] > r ? x[i] : r;
  return r;
}

// x[i] = exp(x[i] - m) in place; returns the sum. m must be finite.
inline float exp_shift_sum(float* x, int n, float m) {
  const __m256 vm = _mm256_set1_ps(m);
  __m256 s = _mm256_setzero_ps();
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm));
    _mm256_storeu_ps(x + i, e);
    s = _mm256_add_ps(s, e);
  }
  if (i < n) {  // the tail through the same polynomial, padded with -inf (exp = 0)
    float pad[8];
    for (int t = 0; t < 8; ++t) pad[t] = i + t < n ? x[i + t] : kNegInf;
    const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(pad), vm));
    _mm256_storeu_ps(pad, e);
    s = _mm256_add_ps(s, e);
    std::memcpy(x + i, pad, sizeof(float) * (n - i));
  }
  return hsum(s);
}

inline float dot(const float* a, const float* b, int n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  for (; i + 8 <= n; i += 8)
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
  float r = hsum(_mm256_add_ps(s0, s1));
  for (; i < n; ++i) r += a[i] * b[i];
  return r;
}

#else  // scalar fallback

inline float max_of(const float* x, int n) {
  float r = kNegInf;
  for (int i = 0; i < n; ++i) r = x[i] > r ? x[i] : r;
  return r;
}

inline float exp_shift_sum(float* x, int n, float m) {
  float s = 0.0f;
  for (int i = 0; i < n; ++i) s += (x[i] = std::exp(x[i] - m));
  return s;
}

inline float dot(const float* a, const float* b, int n) {
  float r = 0.0f;
  for (int i = 0; i < n; ++i) r += a[i] * b[i];
  return r;
}

#endif

// y += a * x (vectorised by the compiler).
inline void axpy(float a, const float* __restrict x, float* __restrict y, int n) {
  for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

// o_h += w_h v_h for each head h of one (H*D) row: the weighted sum over a node's edges.
inline void axpy_heads(int H, int D, const float* w, const float* __restrict v,
                       float* __restrict o) {
#ifdef ATTN_ATTENTION_AVX2
  if (D == 8) {  // one vector per head (GAT's 8 x 8 hidden layer)
    for (int h = 0; h < H; ++h)
      _mm256_storeu_ps(o + 8 * h, _mm256_fmadd_ps(_mm256_set1_ps(w[h]), _mm256_loadu_ps(v + 8 * h),
                                                   _mm256_loadu_ps(o + 8 * h)));
    return;
  }
#endif
  for (int h = 0; h < H; ++h) axpy(w[h], v + h * D, o + h * D, D);
}

// r_h = a_h . b_h for each head h of two (H*D) rows.
inline void dot_heads(int H, int D, const float* a, const float* b, float* r) {
  int h = 0;
#ifdef ATTN_ATTENTION_AVX2
  if (D == 8) {  // 8 heads at a time: their products, summed by a fixed tree of adds
    for (; h + 8 <= H; h += 8) {
      __m256 p[8];
      for (int t = 0; t < 8; ++t)
        p[t] = _mm256_mul_ps(_mm256_loadu_ps(a + 8 * (h + t)), _mm256_loadu_ps(b + 8 * (h + t)));
      const __m256 u0 = _mm256_hadd_ps(_mm256_hadd_ps(p[0], p[1]), _mm256_hadd_ps(p[2], p[3]));
      const __m256 u1 = _mm256_hadd_ps(_mm256_hadd_ps(p[4], p[5]), _mm256_hadd_ps(p[6], p[7]));
      _mm256_storeu_ps(r + h, _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20),
                                            _mm256_permute2f128_ps(u0, u1, 0x31)));
    }
  }
#endif
  for (; h < H; ++h) r[h] = dot(a + h * D, b + h * D, D);
}

inline void scale(float a, float* x, int n) {
  for (int i = 0; i < n; ++i) x[i] *= a;
}

}  // namespace attn::attention_detail
