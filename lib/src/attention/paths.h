#pragma once
// The attention paths behind attention_forward / attention_backward (private).
#include "attn/attention.h"
#include "plan.h"

namespace attn::attention_detail {

// Rows per query block of the sequence-mask paths.
int query_block_rows(const Plan& p);

// None, Causal, Window without a cache (tiled.cc).
void forward_tiled(const Plan& p, const Segments& segs, const float* q, const float* k,
                   const float* v, float* out);

// None, Causal, Window with a cache (cached.cc).
void forward_cached(const Plan& p, const Segments& segs, const float* q, const float* k,
                    const float* v, float* out, AttentionCache& cache);
void backward_cached(const Plan& p, const Segments& segs, const float* q, const float* k,
                     const float* v, const AttentionCache& cache, const float* dout, float* dq,
                     float* dk, float* dv);

// Sparse, with or without a cache (sparse.cc).
void forward_sparse(const Plan& p, const float* q, const float* k, const float* v, float* out,
                    AttentionCache* cache);
void backward_sparse(const Plan& p, const float* q, const float* k, const float* v,
                     const AttentionCache& cache, const float* dout, float* dq, float* dk,
                     float* dv, float* dscore_weight);

}  // namespace attn::attention_detail
