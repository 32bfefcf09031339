#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

#include "attn/layers/embedding.h"
#include "attn/layers/hashed_embedding.h"
#include "attn/parallel.h"
#include "layers_gradcheck.h"

using attn::testing::check_parameter_gradients;
using attn::testing::random_vector;
using attn::testing::randomize;
using attn::testing::weighted_sum;

namespace {

std::set<int32_t> touched(const attn::Parameter& p) {
  return {p.touched_rows.begin(), p.touched_rows.end()};
}

// Rows of p.grad that are not all zero.
std::set<int32_t> rows_with_gradient(const attn::Parameter& p) {
  std::set<int32_t> rows;
  if (p.grad.empty()) return rows;  // not allocated yet: no gradient at all
  for (int64_t r = 0; r < p.rows(); ++r)
    for (int64_t k = 0; k < p.row_size(); ++k)
      if (p.grad[r * p.row_size() + k] != 0.0f) rows.insert(static_cast<int32_t>(r));
  return rows;
}

}  // namespace

TEST_CASE("Embedding: parameter name, shape, row-sparse, N(0, std) init") {
  attn::Embedding emb("tok", 300, 40);
  CHECK(emb.weight.name == "tok.weight");
  CHECK(emb.weight.value.shape() == std::vector<int64_t>{300, 40});
  CHECK(emb.weight.row_sparse);
  attn::ParameterList params;
  emb.collect(params);
  REQUIRE(params.size() == 1);
  CHECK(params[0] == &emb.weight);

  attn::Rng rng(7);
  for (float std : {1.0f, 0.1f}) {
    emb.init(rng, std);
    double sum = 0, sq = 0;
    const auto& w = emb.weight.value.storage();
    for (float x : w) sum += x, sq += double(x) * x;
    const double mean = sum / w.size(), var = sq / w.size() - mean * mean;
    CHECK(std::abs(mean) < 0.05 * std);
    CHECK(std::sqrt(var) == doctest::Approx(std).epsilon(0.05));
  }
  CHECK_THROWS_AS(attn::Embedding("e", 0, 4), std::invalid_argument);
}

TEST_CASE("Embedding: forward copies rows and rejects bad ids without writing") {
  attn::Embedding emb("e", 5, 3);
  for (int i = 0; i < 15; ++i) emb.weight.value[i] = float(i);
  const std::vector<int32_t> ids{4, 0, 4, 2};
  std::vector<float> y(4 * 3, -1.0f);
  emb.forward(4, ids.data(), y.data());
  CHECK(y == std::vector<float>{12, 13, 14, 0, 1, 2, 12, 13, 14, 6, 7, 8});

  for (int32_t bad : {-1, 5, 1 << 30}) {
    const std::vector<int32_t> bad_ids{1, bad};
    std::vector<float> out(6, -1.0f);
    CHECK_THROWS_AS(emb.forward(2, bad_ids.data(), out.data()), std::out_of_range);
    CHECK(out == std::vector<float>(6, -1.0f));
    const std::vector<float> dy(6, 1.0f);
    CHECK_THROWS_AS(emb.backward(2, bad_ids.data(), dy.data()), std::out_of_range);
    CHECK(emb.weight.touched_rows.empty());
    CHECK(rows_with_gradient(emb.weight).empty());
  }
}

TEST_CASE("Embedding: backward matches finite differences, repeated ids accumulate") {
  attn::Rng rng(11);
  const int V = 9, C = 5, T = 12;
  attn::Embedding emb("e", V, C);
  emb.init(rng);
  const std::vector<int32_t> ids{3, 1, 3, 8, 0, 3, 1, 5, 5, 2, 8, 3};
  const std::vector<float> w = random_vector(T * C, rng);
  std::vector<float> y(T * C);
  auto loss = [&] {
    emb.forward(T, ids.data(), y.data());
    return weighted_sum(y, w);
  };
  attn::ParameterList params;
  emb.collect(params);
  check_parameter_gradients(params, [&] { emb.backward(T, ids.data(), w.data()); }, loss,
                            {.max_checks = V * C});
}

TEST_CASE("Embedding: only used rows are touched; zero_grad clears exactly those") {
  attn::Rng rng(3);
  const int V = 20, C = 4, T = 6;
  attn::Embedding emb("e", V, C);
  const std::vector<int32_t> ids{7, 2, 7, 19, 0, 2};
  const std::vector<float> dy = random_vector(T * C, rng);
  emb.backward(T, ids.data(), dy.data());
  const std::set<int32_t> used{0, 2, 7, 19};
  CHECK(touched(emb.weight) == used);
  CHECK(emb.weight.touched_rows.size() == used.size());  // no duplicates
  CHECK(rows_with_gradient(emb.weight) == used);
  for (int r = 0; r < V; ++r) CHECK(bool(emb.weight.row_is_touched[r]) == (used.count(r) == 1));

  // A second backward accumulates: row 19 (used once) doubles.
  std::vector<float> before(emb.weight.grad.storage());
  emb.backward(T, ids.data(), dy.data());
  for (int k = 0; k < C; ++k) CHECK(emb.weight.grad[19 * C + k] == 2.0f * before[19 * C + k]);
  CHECK(emb.weight.touched_rows.size() == used.size());

  emb.weight.zero_grad();
  CHECK(emb.weight.touched_rows.empty());
  CHECK(rows_with_gradient(emb.weight).empty());
  for (uint8_t flag : emb.weight.row_is_touched) CHECK(flag == 0);

  const std::vector<int32_t> other{5};
  emb.backward(1, other.data(), dy.data());
  CHECK(touched(emb.weight) == std::set<int32_t>{5});
}

TEST_CASE("Embedding: backward is bit-identical to the serial sum on any thread count") {
  attn::Rng rng(5);
  const int V = 37, C = 24, T = 3000;  // large enough for the parallel path
  std::vector<int32_t> ids(T);
  for (int32_t& id : ids) id = static_cast<int32_t>(rng.below(V));
  const std::vector<float> dy = random_vector(int64_t(T) * C, rng);
  std::vector<float> serial(V * C, 0.0f);
  for (int t = 0; t < T; ++t)
    for (int k = 0; k < C; ++k) serial[ids[t] * C + k] += dy[t * C + k];
  const int saved = attn::threads();
  for (int n : {1, 2, 3}) {
    attn::set_threads(n);
    attn::Embedding emb("e", V, C);
    emb.backward(T, ids.data(), dy.data());
    CHECK(emb.weight.grad.storage() == serial);
  }
  attn::set_threads(saved);
}

TEST_CASE("HashedEmbedding: hash_bytes is 32-bit FNV-1a") {
  using H = attn::HashedEmbedding;
  CHECK(H::hash_bytes("") == 0x811c9dc5u);
  CHECK(H::hash_bytes("a") == 0xe40c292cu);
  CHECK(H::hash_bytes("foobar") == 0xbf9cf968u);
  CHECK(H::hash_bytes("\xff") == 0x7a0b824eu);  // bytes are unsigned
  CHECK(H::hash_bytes("\xc3\xa9") == 0x1e9de8c1u);  // "é" in UTF-8
}

TEST_CASE("HashedEmbedding: mean of bucket rows, duplicates count, empty item is zero") {
  attn::HashedEmbedding emb("sub", 4, 2);
  CHECK(emb.weight.name == "sub.weight");
  CHECK(emb.weight.value.shape() == std::vector<int64_t>{4, 2});
  CHECK(emb.weight.row_sparse);
  const std::vector<float> W{1, 2, 10, 20, 100, 200, -4, 8};
  emb.weight.value.storage() = W;
  // items: {0, 2}, {}, {3}, {1, 1, 3}
  const std::vector<int64_t> offsets{0, 2, 2, 3, 6};
  const std::vector<int32_t> buckets{0, 2, 3, 1, 1, 3};
  std::vector<float> y(8, -1.0f);
  emb.forward(4, offsets.data(), buckets.data(), y.data());
  const std::vector<float> expect{50.5f, 101.0f, 0, 0, -4, 8, 16.0f / 3, 48.0f / 3};
  for (int i = 0; i < 8; ++i) CHECK(y[i] == doctest::Approx(expect[i]));

  // Offsets need not start at 0 (a window into a longer list).
  const std::vector<int64_t> shifted{3, 6};
  std::vector<float> y1(2);
  emb.forward(1, shifted.data(), buckets.data(), y1.data());
  CHECK(y1[0] == doctest::Approx(expect[6]));
  CHECK(y1[1] == doctest::Approx(expect[7]));
}

TEST_CASE("HashedEmbedding: bad offsets or buckets throw before anything is written") {
  attn::HashedEmbedding emb("h", 4, 2);
  std::vector<float> y(4, -1.0f), dy(4, 1.0f);
  const std::vector<int32_t> buckets{0, 1, 4};
  const std::vector<int64_t> bad_bucket{0, 1, 3};
  CHECK_THROWS_AS(emb.forward(2, bad_bucket.data(), buckets.data(), y.data()), std::out_of_range);
  CHECK(y == std::vector<float>(4, -1.0f));
  CHECK_THROWS_AS(emb.backward(2, bad_bucket.data(), buckets.data(), dy.data()),
                  std::out_of_range);
  CHECK(emb.weight.touched_rows.empty());
  CHECK(rows_with_gradient(emb.weight).empty());
  const std::vector<int64_t> decreasing{0, 2, 1};
  CHECK_THROWS_AS(emb.forward(2, decreasing.data(), buckets.data(), y.data()),
                  std::invalid_argument);
  const std::vector<int64_t> negative{-1, 1, 2};
  CHECK_THROWS_AS(emb.forward(2, negative.data(), buckets.data(), y.data()),
                  std::invalid_argument);
  const std::vector<int32_t> negative_bucket{-3};
  const std::vector<int64_t> one{0, 1};
  CHECK_THROWS_AS(emb.forward(1, one.data(), negative_bucket.data(), y.data()),
                  std::out_of_range);
}

TEST_CASE("HashedEmbedding: backward matches finite differences and touches used rows") {
  attn::Rng rng(21);
  const int V = 11, C = 3, T = 5;
  attn::HashedEmbedding emb("h", V, C);
  emb.init(rng);
  const std::vector<int64_t> offsets{0, 3, 3, 4, 8, 10};
  const std::vector<int32_t> buckets{1, 4, 9, 4, 2, 2, 7, 1, 0, 9};
  const std::vector<float> w = random_vector(T * C, rng);
  std::vector<float> y(T * C);
  auto loss = [&] {
    emb.forward(T, offsets.data(), buckets.data(), y.data());
    return weighted_sum(y, w);
  };
  attn::ParameterList params;
  emb.collect(params);
  check_parameter_gradients(
      params, [&] { emb.backward(T, offsets.data(), buckets.data(), w.data()); }, loss,
      {.max_checks = V * C});
  const std::set<int32_t> used{0, 1, 2, 4, 7, 9};
  CHECK(touched(emb.weight) == used);
  CHECK(emb.weight.touched_rows.size() == used.size());
  CHECK(rows_with_gradient(emb.weight) == used);
  emb.weight.zero_grad();
  CHECK(emb.weight.touched_rows.empty());
  CHECK(rows_with_gradient(emb.weight).empty());
}

TEST_CASE("HashedEmbedding: backward is the same on any thread count") {
  attn::Rng rng(8);
  const int V = 50, C = 16, T = 1500;
  std::vector<int64_t> offsets{0};
  std::vector<int32_t> buckets;
  for (int t = 0; t < T; ++t) {
    const int n = static_cast<int>(rng.below(6));
    for (int j = 0; j < n; ++j) buckets.push_back(static_cast<int32_t>(rng.below(V)));
    offsets.push_back(static_cast<int64_t>(buckets.size()));
  }
  const std::vector<float> dy = random_vector(int64_t(T) * C, rng);
  const int saved = attn::threads();
  std::vector<std::vector<float>> grads, outputs;
  attn::HashedEmbedding emb("h", V, C);
  emb.init(rng);
  for (int n : {1, 2, 3}) {
    attn::set_threads(n);
    emb.weight.zero_grad();
    emb.backward(T, offsets.data(), buckets.data(), dy.data());
    grads.push_back(emb.weight.grad.storage());
    std::vector<float> y(int64_t(T) * C);
    emb.forward(T, offsets.data(), buckets.data(), y.data());
    outputs.push_back(y);
  }
  attn::set_threads(saved);
  CHECK(grads[0] == grads[1]);
  CHECK(grads[0] == grads[2]);
  CHECK(outputs[0] == outputs[1]);
  CHECK(outputs[0] == outputs[2]);
}
