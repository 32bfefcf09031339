#pragma once
#include <string>

namespace attn {

// Matrix products go through OpenBLAS, loaded at run time so that attn can pick its
// fastest kernel for this CPU before OpenBLAS initialises (OpenBLAS reads
// OPENBLAS_CORETYPE only when it loads, and Debian 12's 0.3.21 misdetects recent Xeons).
// BLAS itself always runs single-threaded; attn's own OpenMP threads split the work,
// so the cores are never oversubscribed and results depend only on the thread count.

// Loads OpenBLAS if not yet loaded (thread-safe, idempotent). Throws attn::Error on failure.
void blas_init();
// "SkylakeX", "Haswell", ... as reported by OpenBLAS, plus how it was chosen.
std::string blas_kernel_name();
std::string blas_description();  // e.g. "OpenBLAS 0.3.21 kernel SkylakeX (selected by attn)"

enum class Trans { No, Yes };

// C = alpha * op(A) * op(B) + beta * C, row-major. op(A): (M, K), op(B): (K, N), C: (M, N).
// Called outside a parallel region, splits rows (or columns) of C over attn's threads;
// inside one, runs on the calling thread only. A long reduction into a small C (K >= 2048 and
// K >= 16 max(M, N), weight gradients) is cut into fixed chunks of K instead, summed in order:
// its rounding differs from one sgemm call's, but not with the thread count.
void gemm(Trans ta, Trans tb, int M, int N, int K, float alpha, const float* A, int lda,
          const float* B, int ldb, float beta, float* C, int ldc);

// Single-threaded gemm on the calling thread (for use inside parallel loops).
void gemm_serial(Trans ta, Trans tb, int M, int N, int K, float alpha, const float* A, int lda,
                 const float* B, int ldb, float beta, float* C, int ldc);

}  // namespace attn
