#include "attn/blas.h"

#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "attn/error.h"

namespace attn {
namespace {

// CBLAS enum values (cblas.h) so that no OpenBLAS header is needed.
constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int,
                         float, float*, int);
using CorenameFn = char* (*)();
using ConfigFn = char* (*)();
using SetThreadsFn = void (*)(int);

struct Blas {
  SgemmFn sgemm = nullptr;
  std::string kernel, description;
};

Blas& blas() {
  static Blas b;
  return b;
}
std::once_flag blas_once;

// The kernel OpenBLAS should use on this CPU, or "" to let it detect.
const char* preferred_coretype() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512cd"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return "";
}

void load_blas() {
  std::string how = "set by OPENBLAS_CORETYPE";
  if (!std::getenv("OPENBLAS_CORETYPE")) {
    const char* core = preferred_coretype();
    if (*core) {
      setenv("OPENBLAS_CORETYPE", core, 0);
      how = "selected by attn from CPU features";
    } else {
      how = "detected by OpenBLAS";
    }
  }
  // attn threads around BLAS; a BLAS thread pool would only compete for the same cores.
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  void* lib = nullptr;
  for (const char* name : {"libopenblas.so.0", "libopenblas.so", "libblas.so.3"}) {
    lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (lib && dlsym(lib, "openblas_get_corename")) break;
    if (lib) dlclose(lib);
    lib = nullptr;
  }
  if (!lib) throw Error("cannot load OpenBLAS (libopenblas.so.0); install libopenblas0");
  auto& b = blas();
  b.sgemm = reinterpret_cast<SgemmFn>(dlsym(lib, "cblas_sgemm"));
  auto corename = reinterpret_cast<CorenameFn>(dlsym(lib, "openblas_get_corename"));
  auto config = reinterpret_cast<ConfigFn>(dlsym(lib, "openblas_get_config"));
  auto set_threads = reinterpret_cast<SetThreadsFn>(dlsym(lib, "openblas_set_num_threads"));
  if (!b.sgemm) throw Error("OpenBLAS has no cblas_sgemm");
  if (set_threads) set_threads(1);
  b.kernel = corename ? corename() : "unknown";
  b.description = std::string(config ? config() : "OpenBLAS") + ", kernel " + b.kernel + " (" +
                  how + ")";
}

void ensure_loaded() { std::call_once(blas_once, load_blas); }

}  // namespace

void blas_init() { ensure_loaded(); }

std::string blas_kernel_name() {
  ensure_loaded();
  return blas().kernel;
}

std::string blas_description() {
  ensure_loaded();
  return blas().description;
}

void gemm_serial(Trans ta, Trans tb, int M, int N, int K, float alpha, const float* A, int lda,
                 const float* B, int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  ensure_loaded();
  blas().sgemm(kRowMajor, ta == Trans::Yes ? kTrans : kNoTrans, tb == Trans::Yes ? kTrans : kNoTrans,
               M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

namespace {

// A long reduction into a small C (a weight gradient dW = dy^T x, K = the batch's rows):
// splitting M or N would make every thread pack all of the other operand, so K is cut into
// chunks of about kReductionChunk, each thread packs only its chunks' share of A and B, and
// the chunk products are summed in chunk order. The chunks depend on K only, not on the
// thread count.
constexpr int kReductionChunk = 512;

bool long_reduction(int M, int N, int K) {
  return K >= 4 * kReductionChunk && K >= 16 * std::max(M, N) && int64_t{M} * N <= (1 << 16);
}

void gemm_split_reduction(int nthreads, Trans ta, Trans tb, int M, int N, int K, float alpha,
                          const float* A, int lda, const float* B, int ldb, float beta, float* C,
                          int ldc) {
  const int chunks = (K + kReductionChunk - 1) / kReductionChunk;
  const int64_t mn = int64_t{M} * N;
  thread_local std::vector<float> store;  // the calling thread's; grows only
  if (store.size() < size_t(chunks * mn)) store.resize(size_t(chunks * mn));
  float* partial = store.data();
#pragma omp parallel num_threads(nthreads)
  {
#pragma omp for schedule(static)
    for (int c = 0; c < chunks; ++c) {
      const int k0 = static_cast<int>(int64_t{K} * c / chunks);
      const int k1 = static_cast<int>(int64_t{K} * (c + 1) / chunks);
      // op(A) is (M, K): columns k0.. of A, or rows k0.. of A^T; op(B) is (K, N) likewise.
      const float* a = ta == Trans::No ? A + k0 : A + int64_t{k0} * lda;
      const float* b = tb == Trans::No ? B + int64_t{k0} * ldb : B + k0;
      gemm_serial(ta, tb, M, N, k1 - k0, alpha, a, lda, b, ldb, 0.0f, partial + c * mn, N);
    }
#pragma omp for schedule(static)
    for (int i = 0; i < M; ++i) {
      float* row = C + int64_t{i} * ldc;
      for (int j = 0; j < N; ++j) {
        float sum = partial[int64_t{i} * N + j];
        for (int c = 1; c < chunks; ++c) sum += partial[c * mn + int64_t{i} * N + j];
        row[j] = beta == 0.0f ? sum : beta * row[j] + sum;
      }
    }
  }
}

}  // namespace

void gemm(Trans ta, Trans tb, int M, int N, int K, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  ensure_loaded();
  const int nthreads = omp_in_parallel() ? 1 : omp_get_max_threads();
  const double flops = 2.0 * M * N * std::max(K, 1);
  if (long_reduction(M, N, K)) {  // on one thread too, so that the sums are the same
    gemm_split_reduction(nthreads, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  if (nthreads == 1 || flops < 2.0e5) {
    gemm_serial(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  // Split the larger of M and N into one contiguous block per thread (static, so the
  // split, and hence the result, depends only on the thread count).
  const bool split_rows = M >= N || M >= 16 * nthreads;
  const int extent = split_rows ? M : N;
  const int parts = std::min(nthreads, std::max(1, extent / 8));
#pragma omp parallel for schedule(static) num_threads(parts)
  for (int p = 0; p < parts; ++p) {
    const int lo = static_cast<int>(static_cast<int64_t>(extent) * p / parts);
    const int hi = static_cast<int>(static_cast<int64_t>(extent) * (p + 1) / parts);
    if (hi <= lo) continue;
    if (split_rows) {
      const float* a = ta == Trans::No ? A + static_cast<int64_t>(lo) * lda : A + lo;
      gemm_serial(ta, tb, hi - lo, N, K, alpha, a, lda, B, ldb, beta,
                  C + static_cast<int64_t>(lo) * ldc, ldc);
    } else {
      const float* b = tb == Trans::No ? B + lo : B + static_cast<int64_t>(lo) * ldb;
      gemm_serial(ta, tb, M, hi - lo, K, alpha, A, lda, b, ldb, beta, C + lo, ldc);
    }
  }
}

}  // namespace attn
