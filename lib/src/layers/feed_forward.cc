#include "attn/layers/feed_forward.h"

#include "attn/layers/activation.h"
#include "scratch.h"

namespace attn {

FeedForward::FeedForward(const std::string& name, int C, int F, float dropout)
    : fc1(name + ".fc1", C, F), fc2(name + ".fc2", F, C), drop(name + ".drop", dropout) {}

void FeedForward::init(Rng& rng) {
  fc1.init(rng);
  fc2.init(rng);
}

void FeedForward::forward(int T, const float* x, float* y, Cache* cache, const RunContext& ctx,
                          const float* residual) const {
  const int64_t n = static_cast<int64_t>(T) * hidden_dim();
  static thread_local std::vector<float> scratch;
  float* hidden;  // hidden: (T, F); training overwrites it with gelu'(hidden)
  float* act;     // act: (T, F)
  if (cache) {
    cache->slope.resize(n);
    cache->act.resize(n);
    cache->ctx = ctx;
    hidden = cache->slope.data();
    act = cache->act.data();
  } else {
    hidden = act = detail::grow(scratch, n);  // inference: GELU in place
  }
  fc1.forward(T, x, hidden);  // hidden = fc1(x)
  if (cache)
    Gelu::forward_keep_slope(n, hidden, act);  // act = gelu(hidden), slope = gelu'(hidden)
  else
    Gelu::forward(n, hidden, act);  // act = gelu(hidden)
  drop.forward(n, act, act, ctx);  // act = dropout(act)
  fc2.forward(T, act, y, residual);  // y = [residual +] fc2(act)
}

void FeedForward::backward(int T, const float* x, const float* dy, float* dx, const Cache& cache) {
  const int64_t n = static_cast<int64_t>(T) * hidden_dim();
  static thread_local std::vector<float> scratch;
  float* dact = detail::grow(scratch, n);              // dact: (T, F)
  fc2.backward(T, cache.act.data(), dy, dact);         // from y = fc2(act)
  drop.backward(n, dact, dact, cache.ctx);             // from act = dropout(act)
  Gelu::backward_from_slope(n, cache.slope.data(), dact, dact);  // from act = gelu(hidden)
  fc1.backward(T, x, dact, dx);                        // from hidden = fc1(x)
}

void FeedForward::collect(ParameterList& params) {
  fc1.collect(params);
  fc2.collect(params);
}

}  // namespace attn
