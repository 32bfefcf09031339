#include <doctest/doctest.h>

#include <set>

#include "attn/blas.h"
#include "attn/parallel.h"
#include "attn/rng.h"
#include "attn/tensor.h"

TEST_CASE("rng is deterministic and roughly uniform") {
  attn::Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) CHECK(a.next_u64() == b.next_u64());
  CHECK(a.next_u64() != c.next_u64());
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const float u = a.uniform();
    CHECK(u >= 0.0f);
    CHECK(u < 1.0f);
    sum += u;
  }
  CHECK(sum / 10000 == doctest::Approx(0.5).epsilon(0.02));
  std::set<uint64_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(a.below(7));
  CHECK(seen.size() == 7);
}

TEST_CASE("gemm matches a naive product for every transpose") {
  attn::Rng rng(1);
  const int M = 37, N = 29, K = 53;
  std::vector<float> A(M * K), B(K * N), At(K * M), Bt(N * K);
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k) At[k * M + i] = A[i * K + k] = rng.uniform(-1, 1);
  for (int k = 0; k < K; ++k)
    for (int j = 0; j < N; ++j) Bt[j * K + k] = B[k * N + j] = rng.uniform(-1, 1);
  std::vector<float> ref(M * N, 0.0f);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j)
      for (int k = 0; k < K; ++k) ref[i * N + j] += A[i * K + k] * B[k * N + j];
  using attn::Trans;
  for (Trans ta : {Trans::No, Trans::Yes})
    for (Trans tb : {Trans::No, Trans::Yes}) {
      std::vector<float> C(M * N, 1.0f);
      attn::gemm(ta, tb, M, N, K, 1.0f, ta == Trans::No ? A.data() : At.data(),
                 ta == Trans::No ? K : M, tb == Trans::No ? B.data() : Bt.data(),
                 tb == Trans::No ? N : K, 0.0f, C.data(), N);
      for (int i = 0; i < M * N; ++i) REQUIRE(C[i] == doctest::Approx(ref[i]).epsilon(1e-4));
    }
  CHECK(!attn::blas_kernel_name().empty());
}

TEST_CASE("a long reduction (a weight gradient) is right and the same on 1 and 2 threads") {
  // K far above M and N takes gemm's chunked-K path; beta 1 accumulates into C, as dW += dy^T x.
  attn::Rng rng(2);
  const int M = 24, N = 40, K = 4100;
  std::vector<float> A(size_t(M) * K), B(size_t(K) * N), At(A.size()), Bt(B.size());
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k) At[size_t(k) * M + i] = A[size_t(i) * K + k] = rng.uniform(-1, 1);
  for (int k = 0; k < K; ++k)
    for (int j = 0; j < N; ++j) Bt[size_t(j) * K + k] = B[size_t(k) * N + j] = rng.uniform(-1, 1);
  std::vector<double> ref(M * N, 0.0);
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k)
      for (int j = 0; j < N; ++j) ref[i * N + j] += double(A[size_t(i) * K + k]) * B[size_t(k) * N + j];
  using attn::Trans;
  const int saved = attn::threads();
  for (Trans ta : {Trans::No, Trans::Yes})
    for (Trans tb : {Trans::No, Trans::Yes})
      for (float beta : {0.0f, 1.0f}) {
        std::vector<float> C[2];
        for (int t = 0; t < 2; ++t) {
          attn::set_threads(t + 1);
          C[t].assign(M * N, 0.5f);
          attn::gemm(ta, tb, M, N, K, 2.0f, ta == Trans::No ? A.data() : At.data(),
                     ta == Trans::No ? K : M, tb == Trans::No ? B.data() : Bt.data(),
                     tb == Trans::No ? N : K, beta, C[t].data(), N);
        }
        CHECK(C[0] == C[1]);
        for (int i = 0; i < M * N; ++i)
          REQUIRE(C[1][i] == doctest::Approx(2.0 * ref[i] + beta * 0.5).epsilon(1e-4));
      }
  attn::set_threads(saved);
}
