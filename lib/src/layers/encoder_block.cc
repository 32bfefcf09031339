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
  m.exclude_self = m.learned_scale = c.locality;
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
  const int C = ln1.dim();
  // out = residual + path(dropout(f)) for a branch f = run(out, residual): with neither
  // dropout nor drop path active, the branch's last projection adds the residual itself
  // (no branch buffer, no extra pass over the rows).
  auto add_branch = [&](const Dropout& drop, const DropPath& path, const float* residual,
                        float* out, auto&& run) {
    if (!drop.active(ctx) && !path.active(ctx)) return run(out, residual);
    run(branch, nullptr);
    drop.forward(n, branch, branch, ctx);
    path.forward(segs, C, branch, branch, ctx);
    ops::add(n, residual, branch, out);
  };
  ln1.forward(T, x, a, cache ? &cache->ln1 : nullptr);  // a = ln1(x)
  add_branch(drop1, path1, x, mid, [&](float* out, const float* residual) {
    attn.forward(segs, a, out, cache ? &cache->attn : nullptr, ctx, residual);
  });  // mid = x + path1(dropout1(attn(a)))
  ln2.forward(T, mid, b, cache ? &cache->ln2 : nullptr);  // b = ln2(mid)
  add_branch(drop2, path2, mid, y, [&](float* out, const float* residual) {
    ffn.forward(T, b, out, cache ? &cache->ffn : nullptr, ctx, residual);
  });  // y = mid + path2(dropout2(ffn(b)))
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
  // The gradient of a branch's output f from that of path(dropout(f)): the same buffer when
  // neither is active, else scaled into s1.
  auto branch_grad = [&](const Dropout& drop, const DropPath& path, const float* d) -> const float* {
    if (!drop.active(ctx) && !path.active(ctx)) return d;
    path.backward(segs, C, d, s1, ctx);
    drop.backward(n, s1, s1, ctx);
    return s1;
  };
  const float* df = branch_grad(drop2, path2, dy);      // from y = mid + path2(dropout2(f))
  ffn.backward(T, cache.b.data(), df, s2, cache.ffn);   // from f = ffn(b): s2 = db
  ln2.backward(T, cache.mid.data(), s2, dx, cache.ln2, dy);  // from b = ln2(mid), y = mid + ..: dx = dmid
  const float* dm = branch_grad(drop1, path1, dx);      // from mid = x + path1(dropout1(m))
  attn.backward(segs, cache.a.data(), dm, s2, cache.attn);  // from m = attn(a): s2 = da
  ln1.backward(T, x, s2, dx, cache.ln1, dx);            // from a = ln1(x), mid = x + ..: dx += dx_ln1
}

void EncoderBlock::collect(ParameterList& params) {
  ln1.collect(params);
  attn.collect(params);
  ln2.collect(params);
  ffn.collect(params);
}

}  // namespace attn
