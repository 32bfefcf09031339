#include "attn/layers/encoder_block.h"

#include <algorithm>

#include "attn/ops.h"
#include "scratch.h"

namespace attn {
namespace {

MultiHeadAttentionConfig attention_config(const EncoderBlockConfig& c) {
  MultiHeadAttentionConfig m;
  m.dim = c.dim;
  m.heads = c.heads;
  m.mask = c.mask;
  m.window = c.window;
  m.dropout = c.attention_dropout;
  return m;
}

}  // namespace

EncoderBlock::EncoderBlock(const std::string& name, const EncoderBlockConfig& config)
    : ln1(name + ".ln1", config.dim),
      attn(name + ".attn", attention_config(config)),
      ln2(name + ".ln2", config.dim),
      ffn(name + ".ffn", config.dim, config.ff_dim, config.dropout),
      drop1(name + ".drop1", config.dropout),
      drop2(name + ".drop2", config.dropout),
      path1(name + ".path1", config.drop_path),
      path2(name + ".path2", config.drop_path) {}

void EncoderBlock::init(Rng& rng) {
  ln1.init();
  attn.init(rng);
  ln2.init();
  ffn.init(rng);
}

void EncoderBlock::forward(const Segments& segs, const float* x, float* y, Cache* cache,
                           const RunContext& ctx) const {
  const int T = segs.total();
  const int64_t n = static_cast<int64_t>(T) * ln1.dim();
  static thread_local std::vector<float> scratch;
  float *a, *mid, *b;  // (T, C) each
  float* branch;       // (T, C) attention, then feed-forward output
  if (cache) {
    cache->a.resize(n);
    cache->mid.resize(n);
    cache->b.resize(n);
    cache->ctx = ctx;
    a = cache->a.data(), mid = cache->mid.data(), b = cache->b.data();
    branch = detail::grow(scratch, n);
  } else {
    // Inference: a, then b, share one buffer; mid is written straight into y (y may alias x:
    // x is last read when mid is formed).
    float* base = detail::grow(scratch, 2 * n);
    a = b = base, branch = base + n, mid = y;
  }
  ln1.forward(T, x, a, cache ? &cache->ln1 : nullptr);                 // a = ln1(x)
  attn.forward(segs, a, branch, cache ? &cache->attn : nullptr, ctx);  // m = attn(a)
  drop1.forward(n, branch, branch, ctx);                               // m = dropout1(m)
  path1.forward(segs, ln1.dim(), branch, branch, ctx);                 // m = path1(m)
  ops::add(n, x, branch, mid);                                         // mid = x + m
  ln2.forward(T, mid, b, cache ? &cache->ln2 : nullptr);               // b = ln2(mid)
  ffn.forward(T, b, branch, cache ? &cache->ffn : nullptr, ctx);       // f = ffn(b)
  drop2.forward(n, branch, branch, ctx);                               // f = dropout2(f)
  path2.forward(segs, ln1.dim(), branch, branch, ctx);                 // f = path2(f)
  ops::add(n, mid, branch, y);                                         // y = mid + f
}

void EncoderBlock::backward(const Segments& segs, const float* x, const float* dy, float* dx,
                            const Cache& cache) {
  const int T = segs.total();
  const int64_t n = static_cast<int64_t>(T) * ln1.dim();
  static thread_local std::vector<float> scratch;
  float* base = detail::grow(scratch, 2 * n);
  float *s1 = base, *s2 = base + n;  // (T, C) each
  const RunContext& ctx = cache.ctx;
  const int C = ln1.dim();
  path2.backward(segs, C, dy, s1, ctx);                     // from f = path2(f)
  drop2.backward(n, s1, s1, ctx);                           // from f = dropout2(f): s1 = df
  ffn.backward(T, cache.b.data(), s1, s2, cache.ffn);       // from f = ffn(b): s2 = db
  ln2.backward(T, cache.mid.data(), s2, s1, cache.ln2);     // from b = ln2(mid): s1 = dmid
  ops::add_to(n, dy, s1);                                   // from y = mid + f
  std::copy(s1, s1 + n, dx);                                // from mid = x + m (dy done)
  path1.backward(segs, C, s1, s2, ctx);                     // from m = path1(m)
  drop1.backward(n, s2, s2, ctx);                           // from m = dropout1(m): s2 = dm
  attn.backward(segs, cache.a.data(), s2, s1, cache.attn);  // from m = attn(a): s1 = da
  ln1.backward(T, x, s1, s2, cache.ln1);                    // from a = ln1(x): s2
  ops::add_to(n, s2, dx);
}

void EncoderBlock::collect(ParameterList& params) {
  ln1.collect(params);
  attn.collect(params);
  ln2.collect(params);
  ffn.collect(params);
}

}  // namespace attn
