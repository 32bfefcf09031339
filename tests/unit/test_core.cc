#include <doctest/doctest.h>

#include <set>

#include "attn/blas.h"
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
