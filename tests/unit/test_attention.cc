#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/parallel.h"
#include "attn/rng.h"

using attn::AttentionCache;
using attn::AttentionSpec;
using attn::CsrGraph;
using attn::MaskKind;
using attn::Scoring;
using attn::Segments;

namespace {

// One query row's visible keys, written from the definitions alone.
std::vector<int> visible_keys(const AttentionSpec& spec, const Segments& segs, int i) {
  std::vector<int> keys;
  if (spec.mask == MaskKind::Sparse) {
    for (int64_t e = spec.graph->row_ptr[i]; e < spec.graph->row_ptr[i + 1]; ++e)
      keys.push_back(spec.graph->col[e]);
    return keys;
  }
  int b = 0;
  while (segs.offsets[b + 1] <= i) ++b;
  for (int j = segs.offsets[b]; j < segs.offsets[b + 1]; ++j) {
    if (spec.mask == MaskKind::Causal && j > i) continue;
    if (spec.mask == MaskKind::Window && std::abs(i - j) > spec.window) continue;
    if (spec.exclude_self && j == i) continue;
    keys.push_back(j);
  }
  return keys;
}

// Naive O(T^2) attention in double: out (T, H*D) and, per (head, query), the probabilities
// of visible_keys in that order.
struct Reference {
  std::vector<double> out;
  std::vector<std::vector<double>> probs;  // [h * T + i]
};

Reference reference(const AttentionSpec& spec, const Segments& segs, const std::vector<float>& q,
                    const std::vector<float>& k, const std::vector<float>& v) {
  const int T = segs.total(), H = spec.heads, D = spec.head_dim;
  const double scale = spec.scale != 0.0f ? spec.scale : 1.0 / std::sqrt(double(D));
  Reference ref;
  ref.out.assign(size_t(T) * H * D, 0.0);
  ref.probs.resize(size_t(H) * T);
  for (int h = 0; h < H; ++h)
    for (int i = 0; i < T; ++i) {
      const std::vector<int> keys = visible_keys(spec, segs, i);
      std::vector<double> s;
      for (int j : keys) {
        if (spec.scoring == Scoring::DotProduct) {
          double acc = 0;
          for (int d = 0; d < D; ++d) acc += double(q[i * H * D + h * D + d]) * k[j * H * D + h * D + d];
          s.push_back(scale * acc);
        } else {
          const double x = double(q[i * H + h]) + k[j * H + h];
          s.push_back(x > 0 ? x : spec.negative_slope * x);
        }
      }
      double mx = -1e300, sum = 0;
      for (double x : s) mx = std::max(mx, x);
      for (double& x : s) sum += (x = std::exp(x - mx));
      for (double& x : s) x /= sum;
      for (size_t n = 0; n < keys.size(); ++n)
        for (int d = 0; d < D; ++d)
          ref.out[i * H * D + h * D + d] += s[n] * v[keys[n] * H * D + h * D + d];
      ref.probs[h * T + i] = s;
    }
  return ref;
}

std::vector<float> random_vector(attn::Rng& rng, size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::vector<float> x(n);
  for (float& e : x) e = rng.uniform(lo, hi);
  return x;
}

// Additive scores with q_i + k_j never within 0.025 of the leaky ReLU's kink, so central
// differences with eps = 0.01 never straddle it: q on a grid offset by 0.025, k on the grid.
std::vector<float> kink_safe(attn::Rng& rng, size_t n, float offset) {
  std::vector<float> x(n);
  for (float& e : x) e = 0.1f * (static_cast<float>(rng.below(21)) - 10.0f) + offset;
  return x;
}

// A graph over 15 rows: row 3 empty, self loops, a duplicate edge, edges across segments.
CsrGraph test_graph(int T) {
  CsrGraph g;
  for (int i = 0; i < T; ++i) {
    if (i != 3) {
      g.col.push_back(i);
      g.col.push_back((i * 7 + 2) % T);
      if (i % 2 == 0) g.col.push_back((i + 5) % T);
      if (i == 6) g.col.push_back((i + 5) % T);  // duplicate: two edges, two shares
    }
    g.row_ptr.push_back(static_cast<int64_t>(g.col.size()));
  }
  return g;
}

struct Combo {
  Scoring scoring;
  MaskKind mask;
  bool exclude_self = false;
  std::string name() const {
    std::string s = scoring == Scoring::DotProduct ? "dot" : "additive";
    const char* m[] = {"none", "causal", "window", "sparse"};
    return s + "/" + m[static_cast<int>(mask)] + (exclude_self ? "/self-excluded" : "");
  }
};

// Every scoring with every mask, and the sequence masks without the diagonal (locality
// self-attention; the length-1 sequence then sees no key at all).
std::vector<Combo> all_combos() {
  std::vector<Combo> c;
  for (Scoring s : {Scoring::DotProduct, Scoring::Additive})
    for (MaskKind m : {MaskKind::None, MaskKind::Causal, MaskKind::Window, MaskKind::Sparse})
      c.push_back({s, m});
  for (MaskKind m : {MaskKind::None, MaskKind::Causal, MaskKind::Window})
    c.push_back({Scoring::DotProduct, m, true});
  return c;
}

// The ragged packed batch of the small tests: lengths 5, 1, 9.
struct Problem {
  Segments segs = Segments::from_lengths({5, 1, 9});
  CsrGraph graph = test_graph(15);
  AttentionSpec spec;
  std::vector<float> q, k, v;
  Problem(Combo c, uint64_t seed, bool kink_safe_values = false, int heads = 2, int head_dim = 3) {
    spec.heads = heads;
    spec.head_dim = head_dim;
    spec.scoring = c.scoring;
    spec.mask = c.mask;
    spec.exclude_self = c.exclude_self;
    spec.window = 2;
    spec.graph = &graph;
    spec.negative_slope = 0.2f;
    attn::Rng rng(seed);
    const int T = segs.total(), HD = spec.heads * spec.head_dim;
    const int qk = c.scoring == Scoring::DotProduct ? HD : spec.heads;
    if (c.scoring == Scoring::Additive && kink_safe_values) {
      q = kink_safe(rng, size_t(T) * qk, 0.025f);
      k = kink_safe(rng, size_t(T) * qk, 0.0f);
    } else {
      q = random_vector(rng, size_t(T) * qk, -1.5f, 1.5f);
      k = random_vector(rng, size_t(T) * qk, -1.5f, 1.5f);
    }
    v = random_vector(rng, size_t(T) * HD);
  }
  size_t out_size() const { return size_t(segs.total()) * spec.heads * spec.head_dim; }
};

double loss(const Problem& pb, const std::vector<float>& q, const std::vector<float>& k,
            const std::vector<float>& v, const std::vector<float>& weights) {
  std::vector<float> out(pb.out_size());
  attn::attention_forward(pb.spec, pb.segs, q.data(), k.data(), v.data(), out.data(), nullptr);
  double l = 0;
  for (size_t i = 0; i < out.size(); ++i) l += double(out[i]) * weights[i];
  return l;
}

// Worst relative error of grad against central differences of loss over every entry of x
// (x is one of pb's q, k, v).
double worst_fd_error(const Problem& pb, std::vector<float>& x, const std::vector<float>& grad,
                      const std::vector<float>& weights, float eps = 1e-2f) {
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const float saved = x[i];
    x[i] = saved + eps;
    const double up = loss(pb, pb.q, pb.k, pb.v, weights);
    x[i] = saved - eps;
    const double down = loss(pb, pb.q, pb.k, pb.v, weights);
    x[i] = saved;
    const double fd = (up - down) / (2 * eps);
    worst = std::max(worst, std::abs(fd - grad[i]) / std::max(1.0, std::abs(fd)));
  }
  return worst;
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

TEST_CASE("segments: single, uniform, from_lengths") {
  CHECK(Segments::single(7).offsets == std::vector<int32_t>{0, 7});
  CHECK(Segments::uniform(3, 4).offsets == std::vector<int32_t>{0, 4, 8, 12});
  const Segments s = Segments::from_lengths({5, 0, 2});
  CHECK(s.offsets == std::vector<int32_t>{0, 5, 5, 7});
  CHECK(s.count() == 3);
  CHECK(s.total() == 7);
  CHECK(s.length(1) == 0);
  CHECK_THROWS_AS(Segments::from_lengths({3, -1}), std::invalid_argument);
}

TEST_CASE("inference path at T=16384, D=64 keeps memory O(T*D)") {
  // Runs first (doctest orders by line), so ru_maxrss is not yet raised by other tests.
  const int T = 16384, D = 64;
  attn::Rng rng(5);
  std::vector<float> q = random_vector(rng, size_t(T) * D), k = random_vector(rng, size_t(T) * D),
                     v = random_vector(rng, size_t(T) * D), out(size_t(T) * D, 0.0f);
  AttentionSpec spec;
  spec.head_dim = D;
  spec.mask = MaskKind::Causal;  // half the work of None, same tiles
  const long before = peak_rss_kb();
  attn::attention_forward(spec, Segments::single(T), q.data(), k.data(), v.data(), out.data(),
                          nullptr);
  const long growth_mb = (peak_rss_kb() - before) / 1024;
  MESSAGE("peak RSS growth: " << growth_mb << " MB (T^2 floats would be 1024 MB)");
  CHECK(growth_mb < 32);
  // Spot-check rows against a double-precision softmax.
  for (int i : {0, 1, 4097, T - 1}) {
    std::vector<double> s(i + 1);
    double mx = -1e300, sum = 0;
    for (int j = 0; j <= i; ++j) {
      double acc = 0;
      for (int d = 0; d < D; ++d) acc += double(q[size_t(i) * D + d]) * k[size_t(j) * D + d];
      s[j] = acc / 8.0;
      mx = std::max(mx, s[j]);
    }
    for (double& x : s) sum += (x = std::exp(x - mx));
    for (int d = 0; d < D; d += 9) {
      double o = 0;
      for (int j = 0; j <= i; ++j) o += s[j] / sum * v[size_t(j) * D + d];
      CHECK(out[size_t(i) * D + d] == doctest::Approx(o).epsilon(1e-4));
    }
  }
}

TEST_CASE("forward matches the naive reference for every scoring and mask, with and without cache") {
  for (const Combo& c : all_combos()) {
    CAPTURE(c.name());
    Problem pb(c, 11);
    const Reference ref = reference(pb.spec, pb.segs, pb.q, pb.k, pb.v);
    std::vector<float> out_fast(pb.out_size(), 7.0f), out_cached(pb.out_size(), 7.0f);
    attn::attention_forward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(),
                            out_fast.data(), nullptr);
    AttentionCache cache;
    attn::attention_forward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(),
                            out_cached.data(), &cache);
    for (size_t i = 0; i < ref.out.size(); ++i) {
      REQUIRE(out_fast[i] == doctest::Approx(ref.out[i]).epsilon(1e-5));
      REQUIRE(out_cached[i] == doctest::Approx(ref.out[i]).epsilon(1e-5));
    }
    // Exported rows: exactly the visible keys, in order, with the reference probabilities.
    std::vector<std::pair<int, float>> row;
    for (int h = 0; h < pb.spec.heads; ++h)
      for (int i = 0; i < pb.segs.total(); ++i) {
        attn::attention_row(pb.spec, pb.segs, cache, h, i, row);
        const std::vector<int> keys = visible_keys(pb.spec, pb.segs, i);
        REQUIRE(row.size() == keys.size());
        for (size_t n = 0; n < keys.size(); ++n) {
          CHECK(row[n].first == keys[n]);
          CHECK(row[n].second == doctest::Approx(ref.probs[h * pb.segs.total() + i][n]).epsilon(1e-5));
        }
      }
  }
}

TEST_CASE("masks: window is |i-j| <= w within a sequence, causal is j <= i, sparse empty row is 0") {
  Problem pb({Scoring::DotProduct, MaskKind::Window}, 3);
  AttentionCache cache;
  std::vector<float> out(pb.out_size());
  std::vector<std::pair<int, float>> row;
  attn::attention_forward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(), out.data(), &cache);
  attn::attention_row(pb.spec, pb.segs, cache, 0, 9, row);  // sequence [6, 15), w = 2
  REQUIRE(row.size() == 5);
  CHECK(row.front().first == 7);
  CHECK(row.back().first == 11);
  attn::attention_row(pb.spec, pb.segs, cache, 1, 6, row);  // first row of its sequence
  REQUIRE(row.size() == 3);
  CHECK(row.front().first == 6);
  attn::attention_row(pb.spec, pb.segs, cache, 1, 5, row);  // a sequence of length 1
  REQUIRE(row.size() == 1);
  CHECK(row[0].first == 5);
  CHECK(row[0].second == 1.0f);
  CHECK(out[5 * 6 + 4] == pb.v[5 * 6 + 4]);  // its only key: out = v

  pb.spec.mask = MaskKind::Causal;
  attn::attention_forward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(), out.data(), &cache);
  attn::attention_row(pb.spec, pb.segs, cache, 0, 8, row);
  REQUIRE(row.size() == 3);  // keys 6, 7, 8
  CHECK(row.back().first == 8);
  float sum = 0;
  for (auto& e : row) sum += e.second;
  CHECK(sum == doctest::Approx(1.0f));
  attn::attention_row(pb.spec, pb.segs, cache, 0, 0, row);
  REQUIRE(row.size() == 1);  // the first query sees only itself
  for (int d = 0; d < 3; ++d) CHECK(out[d] == pb.v[d]);

  for (Scoring s : {Scoring::DotProduct, Scoring::Additive}) {
    Problem sp({s, MaskKind::Sparse}, 4);
    std::vector<float> o(sp.out_size(), 5.0f);
    attn::attention_forward(sp.spec, sp.segs, sp.q.data(), sp.k.data(), sp.v.data(), o.data(), &cache);
    for (int c = 0; c < 6; ++c) CHECK(o[3 * 6 + c] == 0.0f);  // row 3 has no edges
    attn::attention_row(sp.spec, sp.segs, cache, 1, 3, row);
    CHECK(row.empty());
    std::vector<float> dout(sp.out_size(), 1.0f), dq(sp.q.size(), 9.0f), dk(sp.k.size(), 9.0f),
        dv(sp.v.size(), 9.0f);
    attn::attention_backward(sp.spec, sp.segs, sp.q.data(), sp.k.data(), sp.v.data(), cache,
                             dout.data(), dq.data(), dk.data(), dv.data());
    for (float x : dq) CHECK(std::isfinite(x));
    const int qk = s == Scoring::DotProduct ? 6 : 2;
    for (int c = 0; c < qk; ++c) CHECK(dq[3 * qk + c] == 0.0f);
  }
}

TEST_CASE("backward matches central differences for every scoring and mask") {
  for (const Combo& c : all_combos()) {
    CAPTURE(c.name());
    Problem pb(c, 21, /*kink_safe_values=*/true);
    attn::Rng rng(99);
    const std::vector<float> weights = random_vector(rng, pb.out_size());  // dloss/dout
    std::vector<float> out(pb.out_size());
    AttentionCache cache;
    attn::attention_forward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(), out.data(), &cache);
    std::vector<float> dq(pb.q.size(), 9.0f), dk(pb.k.size(), 9.0f), dv(pb.v.size(), 9.0f);
    attn::attention_backward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(), cache,
                             weights.data(), dq.data(), dk.data(), dv.data());
    auto check = [&](std::vector<float>& x, const std::vector<float>& grad, const char* name) {
      CAPTURE(name);
      CHECK(worst_fd_error(pb, x, grad, weights) < 1e-2);
    };
    check(pb.q, dq, "dq");
    check(pb.k, dk, "dk");
    check(pb.v, dv, "dv");
  }
}

TEST_CASE("sparse attention with 8 and 9 heads of 8 (the vector kernels and their tails)") {
  for (const int heads : {8, 9})
    for (Scoring scoring : {Scoring::DotProduct, Scoring::Additive}) {
      CAPTURE(heads);
      CAPTURE(static_cast<int>(scoring));
      Problem pb({scoring, MaskKind::Sparse}, 5, /*kink_safe_values=*/true, heads, 8);
      const Reference ref = reference(pb.spec, pb.segs, pb.q, pb.k, pb.v);
      std::vector<float> out(pb.out_size());
      AttentionCache cache;
      attn::attention_forward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(), out.data(),
                              &cache);
      for (size_t i = 0; i < ref.out.size(); ++i)
        REQUIRE(out[i] == doctest::Approx(ref.out[i]).epsilon(1e-5));
      attn::Rng rng(3);
      const std::vector<float> weights = random_vector(rng, pb.out_size());
      std::vector<float> dq(pb.q.size()), dk(pb.k.size()), dv(pb.v.size());
      attn::attention_backward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(), cache,
                               weights.data(), dq.data(), dk.data(), dv.data());
      CHECK(worst_fd_error(pb, pb.q, dq, weights) < 1e-2);
      CHECK(worst_fd_error(pb, pb.k, dk, weights) < 1e-2);
      CHECK(worst_fd_error(pb, pb.v, dv, weights) < 1e-2);
    }
}

TEST_CASE("tiled inference path equals the cached path at T=1000 (several key chunks)") {
  const Segments segs = Segments::from_lengths({700, 300});
  const int T = segs.total(), H = 2, D = 16;
  attn::Rng rng(8);
  for (Scoring s : {Scoring::DotProduct, Scoring::Additive})
    for (MaskKind m : {MaskKind::None, MaskKind::Causal, MaskKind::Window})
      for (bool exclude_self : {false, true}) {
      if (exclude_self && s != Scoring::DotProduct) continue;
      AttentionSpec spec;
      spec.heads = H;
      spec.head_dim = D;
      spec.scoring = s;
      spec.mask = m;
      spec.exclude_self = exclude_self;
      spec.window = 300;
      const int qk = s == Scoring::DotProduct ? H * D : H;
      // Large scores make the running max move between chunks.
      std::vector<float> q = random_vector(rng, size_t(T) * qk, -3, 3),
                         k = random_vector(rng, size_t(T) * qk, -3, 3),
                         v = random_vector(rng, size_t(T) * H * D), a(size_t(T) * H * D),
                         b(size_t(T) * H * D);
      AttentionCache cache;
      attn::attention_forward(spec, segs, q.data(), k.data(), v.data(), a.data(), nullptr);
      attn::attention_forward(spec, segs, q.data(), k.data(), v.data(), b.data(), &cache);
      float worst = 0;
      for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
      CAPTURE(static_cast<int>(m));
      CAPTURE(exclude_self);
      CHECK(worst < 1e-5f);
    }
}

TEST_CASE("results are bit-identical for 1 and 2 threads") {
  const Segments segs = Segments::from_lengths({130, 7, 200});
  AttentionSpec spec;
  spec.heads = 2;
  spec.head_dim = 8;
  spec.mask = MaskKind::Causal;
  const int T = segs.total();
  attn::Rng rng(12);
  std::vector<float> q = random_vector(rng, size_t(T) * 16), k = random_vector(rng, size_t(T) * 16),
                     v = random_vector(rng, size_t(T) * 16);
  std::vector<float> out[2], dq[2], dk[2], dv[2];
  const int saved = attn::threads();
  for (int t = 0; t < 2; ++t) {
    attn::set_threads(t + 1);
    out[t].resize(q.size());
    dq[t].resize(q.size());
    dk[t].resize(q.size());
    dv[t].resize(q.size());
    AttentionCache cache;
    attn::attention_forward(spec, segs, q.data(), k.data(), v.data(), out[t].data(), &cache);
    attn::attention_backward(spec, segs, q.data(), k.data(), v.data(), cache, v.data(),
                             dq[t].data(), dk[t].data(), dv[t].data());
  }
  attn::set_threads(saved);
  CHECK(out[0] == out[1]);
  CHECK(dq[0] == dq[1]);
  CHECK(dk[0] == dk[1]);
  CHECK(dv[0] == dv[1]);
}

TEST_CASE("bad arguments are rejected") {
  Problem pb({Scoring::DotProduct, MaskKind::Sparse}, 1);
  std::vector<float> out(pb.out_size());
  CsrGraph short_graph = test_graph(10);
  pb.spec.graph = &short_graph;
  CHECK_THROWS_AS(attn::attention_forward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(),
                                          out.data(), nullptr),
                  std::invalid_argument);
  pb.spec.graph = nullptr;
  CHECK_THROWS_AS(attn::attention_forward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(),
                                          out.data(), nullptr),
                  std::invalid_argument);
  pb.spec.graph = &pb.graph;  // a graph lists its own edges: no diagonal mask on top
  pb.spec.exclude_self = true;
  CHECK_THROWS_AS(attn::attention_forward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(),
                                          out.data(), nullptr),
                  std::invalid_argument);
  pb.spec.exclude_self = false;
  pb.spec.mask = MaskKind::None;
  AttentionCache empty;
  std::vector<float> g(pb.q.size());
  CHECK_THROWS_AS(attn::attention_backward(pb.spec, pb.segs, pb.q.data(), pb.k.data(), pb.v.data(),
                                           empty, out.data(), g.data(), g.data(), g.data()),
                  std::logic_error);
}
