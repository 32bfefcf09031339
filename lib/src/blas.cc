#include "attn/blas.h"

#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

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

void gemm(Trans ta, Trans tb, int M, int N, int K, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  ensure_loaded();
  const int nthreads = omp_in_parallel() ? 1 : omp_get_max_threads();
  const double flops = 2.0 * M * N * std::max(K, 1);
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
