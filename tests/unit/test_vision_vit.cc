#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <vector>

#include "attn/error.h"
#include "attn/parallel.h"
#include "attn/vision/heatmap.h"
#include "attn/vision/augment.h"
#include "attn/vision/patch_embedding.h"
#include "attn/vision/test_shift.h"
#include "attn/vision/vit.h"
#include "attn/vision/vit_train.h"
#include "layers_gradcheck.h"

using namespace attn;
using namespace attn::vision;
using attn::testing::random_vector;
using attn::testing::weighted_sum;

namespace {

ViTConfig tiny_config() {
  ViTConfig c;
  c.image_size = 8;
  c.channels = 3;
  c.patch = 4;
  c.dim = 8;
  c.layers = 2;
  c.heads = 2;
  c.mlp_ratio = 1.5f;
  c.dropout = 0.1f;
  c.drop_path = 0.2f;
  c.num_labels = 3;
  return c;
}

// A toy set: a bright square in one of four corners of a dark 8x8 image; the corner is the
// label. Noise keeps it from being a lookup.
ImageSet corner_set(int n, uint64_t seed) {
  ImageSet set;
  set.size = 8;
  set.channels = 1;
  Rng rng(seed);
  for (int i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng.below(4));
    Image img(8, 8, 1);
    for (auto& p : img.pixels) p = static_cast<uint8_t>(rng.below(60));
    const int y0 = label / 2 * 4, x0 = label % 2 * 4;
    for (int y = y0; y < y0 + 4; ++y)
      for (int x = x0; x < x0 + 4; ++x) img.row(y)[x] = static_cast<uint8_t>(180 + rng.below(70));
    set.add(img, label);
  }
  return set;
}

// Finite differences of L = sum w * y over a patch embedding or conv stem's output y for B
// random images (n_in floats in all, `width` per token). `backward(w, cache, dx)` runs the
// module's backward; the input gradient dx is checked too when `input_gradient`.
template <class Stem>
void check_stem_gradients(Stem& stem, int B, int n_in, int width, Rng& rng,
                          const std::function<void(const float*, typename Stem::Cache&, float*)>& backward,
                          bool input_gradient, const attn::testing::GradCheckOptions& opt = {}) {
  const int rows = B * stem.patches_per_image();
  std::vector<float> x = random_vector(n_in, rng), w = random_vector(rows * width, rng);
  std::vector<float> y(rows * width), dx(n_in);
  auto loss = [&] {
    typename Stem::Cache c;
    stem.forward(B, x.data(), y.data(), c);
    return weighted_sum(y, w);
  };
  typename Stem::Cache cache;
  stem.forward(B, x.data(), y.data(), cache);
  ParameterList params;
  stem.collect(params);
  attn::testing::check_parameter_gradients(params, [&] { backward(w.data(), cache, dx.data()); }, loss, opt);
  if (input_gradient) CHECK(attn::testing::check_gradient("images", x.data(), dx.data(), n_in, loss) == 0);
}

}  // namespace

TEST_CASE("patch embedding backward matches finite differences") {
  Rng rng(1);
  PatchEmbedding pe("patch", 8, 3, 4, 5);
  pe.init(rng);
  CHECK(pe.patches_per_image() == 4);
  check_stem_gradients(pe, 2, 2 * 8 * 8 * 3, 5, rng, [&](const float* w, PatchEmbedding::Cache& cache, float* dx) {
    pe.backward(2, w, dx, cache);
  }, true);
}

TEST_CASE("conv stem backward matches finite differences; it refuses patches it cannot make") {
  Rng rng(3);
  ConvStem stem("stem", 8, 2, 4, 8);  // two stride-2 convs: 8x8 -> 4x4 -> 2x2 tokens
  stem.init(rng);
  CHECK(stem.patches_per_image() == 4);
  ParameterList params;
  stem.collect(params);
  REQUIRE(params.size() == 6);
  CHECK(params[0]->name == "stem.conv1.weight");
  CHECK(params[0]->value.dim(1) == 9 * 2);
  CHECK(params[4]->name == "stem.proj.weight");
  check_stem_gradients(stem, 2, 2 * 8 * 8 * 2, 8, rng, [&](const float* w, ConvStem::Cache& cache, float*) {
    stem.backward(2, w, cache);
  }, false, {.eps = 3e-3f});
  CHECK_THROWS(ConvStem("s", 12, 1, 3, 8));  // 3 is not a power of two
  CHECK_THROWS(ConvStem("s", 12, 1, 8, 8));  // 8 does not divide 12
  ViTConfig c = tiny_config();
  c.stem = StemKind::Conv;
  c.image_size = 12;
  c.patch = 3;
  CHECK_THROWS_AS(check_vit_config(c), Error);
}

TEST_CASE("ViT backward matches finite differences in training mode") {
  const ViTConfig cfg = tiny_config();
  for (PoolKind pool : {PoolKind::Cls, PoolKind::Mean, PoolKind::Attention}) {
    ViTConfig c = cfg;
    c.pool = pool;
    c.stem = pool == PoolKind::Mean ? StemKind::Conv : StemKind::Linear;
    c.locality = pool == PoolKind::Mean;  // and locality self-attention's learned score scales
    ViT model(c);
    Rng rng(2);
    model.init(rng);
    ParameterList params = model.parameters();
    if (pool == PoolKind::Attention) {  // a pool weight away from its zero start, so rows differ
      REQUIRE(params[params.size() - 3]->name == "pool.weight");
      attn::testing::randomize(*params[params.size() - 3], rng, 1.0f);
    }
    const size_t first = c.stem == StemKind::Conv ? 6 : 2;  // after the embedding's weights
    CHECK(params[first]->name == "cls_token");
    CHECK(params[first + 1]->name == "positions.weight");
    CHECK(params[first + 1]->value.dim(0) == 5);
    const int B = 3, n = B * 8 * 8 * 3;
    std::vector<float> x = random_vector(n, rng), w = random_vector(B * 3, rng);
    const RunContext ctx{.training = true, .seed = 11};
    auto loss = [&] {
      Tensor logits;
      ViT::Cache cache;
      model.forward(B, x.data(), logits, cache, ctx, true);
      return weighted_sum(logits.storage(), w);
    };
    Tensor logits;
    ViT::Cache cache;
    model.forward(B, x.data(), logits, cache, ctx, true);
    attn::testing::check_parameter_gradients(params, [&] { model.backward(cache, w.data()); }, loss,
                                             {.eps = 3e-3f, .max_checks = 10});
  }
}

TEST_CASE("ViT inference equals the cached forward; attention maps are distributions") {
  ViTConfig c = tiny_config();
  ViT model(c);
  Rng rng(3);
  model.init(rng);
  const int B = 2, n = B * 8 * 8 * 3;
  std::vector<float> x = random_vector(n, rng);
  Tensor a, b;
  ViT::Cache ca, cb;
  model.forward(B, x.data(), a, ca, {}, true);
  model.forward(B, x.data(), b, cb, {}, false);
  for (int i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]).epsilon(1e-5));
  const auto maps = model.attention_maps(ca, 1);
  REQUIRE(maps.size() == 2);
  const int T1 = c.tokens();
  for (const auto& m : maps)
    for (int q = 0; q < T1; ++q) {
      double s = 0;
      for (int k = 0; k < T1; ++k) s += m[q * T1 + k];
      CHECK(s == doctest::Approx(1.0));
    }
  const auto w = token_weights(T1, attention_rollout(T1, maps));
  CHECK(w.size() == 4);
  CHECK(std::accumulate(w.begin(), w.end(), 0.0) == doctest::Approx(1.0));
}

TEST_CASE("ViT readout weights: what the head reads of each final token, for every pooling") {
  for (PoolKind pool : {PoolKind::Cls, PoolKind::Mean, PoolKind::Attention}) {
    CAPTURE(int(pool));
    ViTConfig c = tiny_config();
    c.pool = pool;
    ViT model(c);
    Rng rng(4);
    model.init(rng);
    ParameterList params = model.parameters();
    if (pool == PoolKind::Attention) attn::testing::randomize(*params[params.size() - 3], rng, 3.0f);
    const int B = 2, T1 = c.tokens();
    std::vector<float> x = random_vector(B * 8 * 8 * 3, rng);
    Tensor logits;
    ViT::Cache cache;
    model.forward(B, x.data(), logits, cache, {}, true);
    const std::vector<float> r = model.readout_weights(cache, 1);
    REQUIRE(r.size() == size_t(T1));
    CHECK(std::accumulate(r.begin(), r.end(), 0.0) == doctest::Approx(1.0));
    if (pool == PoolKind::Cls) CHECK(r[0] == 1.0f);
    if (pool == PoolKind::Mean) CHECK(r[3] == doctest::Approx(1.0 / T1));
    if (pool == PoolKind::Attention) {  // the pool's softmax: pooled = sum_t r_t h_t
      CHECK(*std::max_element(r.begin(), r.end()) > 1.5 / T1);
      for (int ch = 0; ch < c.dim; ++ch) {
        double sum = 0.0;
        for (int t = 0; t < T1; ++t) sum += r[t] * cache.h[(T1 + t) * c.dim + ch];
        CHECK(cache.pooled[c.dim + ch] == doctest::Approx(sum).epsilon(1e-5));
      }
    }
    // The heat map's patch weights follow the readout: still a distribution over the patches.
    const auto w = class_attention(T1, model.attention_maps(cache, 1), 0, r);
    CHECK(w.size() == size_t(T1 - 1));
    CHECK(std::accumulate(w.begin(), w.end(), 0.0) == doctest::Approx(1.0));
    CHECK_THROWS_AS(model.readout_weights(cache, 2), std::out_of_range);
  }
}

TEST_CASE("ViT inference in chunks of images equals the whole batch's forward, on any thread count") {
  for (StemKind stem : {StemKind::Linear, StemKind::Conv}) {
    ViTConfig c = tiny_config();
    c.stem = stem;
    ViT model(c);
    Rng rng(5);
    model.init(rng);
    const int chunk = ViT::kInferenceChunkRows / c.tokens();
    const int B = 2 * chunk + 3;  // two whole chunks and a short one
    std::vector<float> x = random_vector(B * 8 * 8 * 3, rng);
    Tensor whole, one, two;
    ViT::Cache cache;
    model.forward(B, x.data(), whole, cache, {}, true);  // one pass over the batch
    const int saved = threads();
    set_threads(1);
    model.forward(B, x.data(), one, cache, {}, false);
    set_threads(2);
    model.forward(B, x.data(), two, cache, {}, false);
    set_threads(saved);
    REQUIRE(one.size() == whole.size());
    for (int i = 0; i < whole.size(); ++i) {
      CHECK(one[i] == doctest::Approx(whole[i]).epsilon(1e-5));
      CHECK(one[i] == two[i]);
    }
  }
}

TEST_CASE("ViT config: JSON round trip and checks that name the setting") {
  ViTConfig c = tiny_config();
  c.pool = PoolKind::Mean;
  const ViTConfig back = vit_config_from_json(vit_config_to_json(c));
  CHECK(back.pool == PoolKind::Mean);
  c.pool = PoolKind::Attention;
  CHECK(vit_config_from_json(vit_config_to_json(c)).pool == PoolKind::Attention);
  c.pool = PoolKind::Mean;
  CHECK(back.dim == 8);
  CHECK(back.mlp_ratio == doctest::Approx(1.5f));
  CHECK(back.stem == StemKind::Linear);
  c.stem = StemKind::Conv;
  CHECK(vit_config_from_json(vit_config_to_json(c)).stem == StemKind::Conv);
  std::string no_stem = vit_config_to_json(tiny_config());  // as files before the conv stem
  no_stem.erase(no_stem.find(",\"stem\":\"linear\""), std::string(",\"stem\":\"linear\"").size());
  CHECK(vit_config_from_json(no_stem).stem == StemKind::Linear);
  std::string bad = vit_config_to_json(tiny_config());
  bad.replace(bad.find("\"linear\""), 8, "\"convx\"");
  CHECK_THROWS_WITH_AS(vit_config_from_json(bad), doctest::Contains("stem"), Error);
  c = tiny_config();
  CHECK_FALSE(vit_config_from_json(vit_config_to_json(c)).locality);  // no "attention": standard
  c.locality = true;
  const std::string lsa = vit_config_to_json(c);
  CHECK(vit_config_from_json(lsa).locality);
  std::string bad_kind = lsa;
  bad_kind.replace(bad_kind.find("\"locality\""), 10, "\"local\"");
  CHECK_THROWS_WITH_AS(vit_config_from_json(bad_kind), doctest::Contains("attention"), Error);
  c.heads = 3;
  CHECK_THROWS_WITH_AS(check_vit_config(c), doctest::Contains("multiple of heads"), Error);
  c = tiny_config();
  c.patch = 3;
  CHECK_THROWS_WITH_AS(check_vit_config(c), doctest::Contains("divide"), Error);
  CHECK_THROWS_WITH_AS(vit_config_from_json("{\"dim\": 8}"), doctest::Contains("image_size"), Error);
  CHECK_THROWS_AS(vit_config_from_json("[1]"), Error);
}

TEST_CASE("a tiny ViT learns the corner task with augmentation; same seed, same weights, either stem") {
  const ImageSet train = corner_set(400, 1), test = corner_set(200, 2);
  ViTConfig c;
  c.image_size = 8;
  c.channels = 1;
  c.patch = 2;
  c.dim = 16;
  c.layers = 1;
  c.heads = 2;
  c.num_labels = 4;
  auto run = [&](uint64_t seed) {
    ViT model(c);
    Rng rng(seed);
    model.init(rng);
    const ChannelStats stats = channel_stats({train.image(0), train.image(1)});
    ViTTrainConfig tc;
    tc.augment.erase_prob = 0.25f;
    tc.augment.mixup_alpha = 0.2f;
    ViTTrainable trainable(model, train, stats, tc);
    FitConfig fc;
    fc.epochs = 20;
    fc.batching.max_items = 32;
    fc.adamw.lr = 3e-3f;
    fc.seed = seed;
    fit(trainable, std::vector<int>(train.count(), c.tokens()), fc);
    const ViTEvaluation ev = evaluate(model, test, stats, TestViews{}, 64);
    std::vector<float> weights;
    for (Parameter* p : model.parameters())
      weights.insert(weights.end(), p->value.storage().begin(), p->value.storage().end());
    return std::make_pair(ev.accuracy, weights);
  };
  const auto [accuracy, weights] = run(5);
  CHECK(accuracy > 0.9);  // chance: 0.25
  CHECK(run(5).second == weights);
  c.stem = StemKind::Conv;  // its im2col, GELU and col2im passes are as reproducible
  const std::vector<float> conv_weights = run(5).second;
  CHECK(run(5).second == conv_weights);
}

TEST_CASE("ViTTrainable's data-parallel step: the same loss and gradients as one chunk; bit-identical on a rerun") {
  const ImageSet train = corner_set(24, 4);
  ViTConfig c = tiny_config();
  c.channels = 1;
  c.num_labels = 4;
  c.dropout = 0.0f;  // masks are drawn per chunk, so only a mask-free step can equal one chunk's
  c.drop_path = 0.0f;
  const ChannelStats stats = channel_stats({train.image(0), train.image(1)});
  std::vector<int> items(train.count());
  std::iota(items.begin(), items.end(), 0);
  // Loss and every gradient after one step of all 24 images on `n` threads.
  auto step = [&](int n, const ViTConfig& config) {
    ViT model(config);
    Rng rng(1);
    model.init(rng);
    ViTTrainConfig tc;
    tc.augment.erase_prob = 0.5f;  // augmentation is per image, whatever the chunks
    ViTTrainable trainable(model, train, stats, tc);
    for (Parameter* p : model.parameters()) p->zero_grad();
    const int saved = threads();
    set_threads(n);
    const BatchStats s = trainable.train_batch(items, RunContext{true, 7});
    set_threads(saved);
    std::vector<float> grads;
    for (Parameter* p : model.parameters())
      grads.insert(grads.end(), p->grad.storage().begin(), p->grad.storage().end());
    return std::make_pair(s.loss_sum, grads);
  };
  const auto [loss1, grads1] = step(1, c);
  const auto [loss2, grads2] = step(2, c);
  const auto [loss3, grads3] = step(3, c);  // chunks of 8 images, 3 replicas' sums
  CHECK(loss2 == doctest::Approx(loss1).epsilon(1e-5));
  CHECK(loss3 == doctest::Approx(loss1).epsilon(1e-5));
  REQUIRE(grads2.size() == grads1.size());
  double scale = 0.0;
  for (float g : grads1) scale = std::max(scale, double(std::fabs(g)));
  REQUIRE(scale > 0.0);
  for (size_t i = 0; i < grads1.size(); ++i) {
    CHECK(std::fabs(grads2[i] - grads1[i]) <= 1e-5 * scale);
    CHECK(std::fabs(grads3[i] - grads1[i]) <= 1e-5 * scale);
  }
  // With drop-path on, a rerun on the same threads gives the same bits.
  c.drop_path = 0.3f;
  CHECK(step(2, c).second == step(2, c).second);
}

TEST_CASE("ViTTrainable class weights scale each image's loss and gradient by its label's weight") {
  const ImageSet train = corner_set(8, 3);
  ViTConfig c;
  c.image_size = 8, c.channels = 1, c.patch = 4, c.dim = 8, c.layers = 1, c.heads = 2, c.num_labels = 4;
  c.drop_path = 0.0f;
  const ChannelStats stats = channel_stats({train.image(0), train.image(1)});
  // Loss and the first parameter's gradient after one batch of all 8 images.
  auto step = [&](std::vector<float> weights) {
    ViT model(c);
    Rng rng(1);
    model.init(rng);
    ViTTrainConfig tc;
    tc.augment.crop_padding = 0;
    tc.augment.erase_prob = 0.0f;
    tc.label_smoothing = 0.1f;
    tc.class_weights = std::move(weights);
    ViTTrainable trainable(model, train, stats, tc);
    for (Parameter* p : model.parameters()) p->zero_grad();
    const BatchStats s = trainable.train_batch({0, 1, 2, 3, 4, 5, 6, 7}, RunContext{});
    return std::make_pair(s.loss_sum, model.parameters().back()->grad.storage());
  };
  const auto [plain, dplain] = step({});
  const auto [ones, dones] = step({1, 1, 1, 1});
  const auto [twos, dtwos] = step({2, 2, 2, 2});
  CHECK(ones == doctest::Approx(plain).epsilon(1e-5));
  CHECK(twos == doctest::Approx(2 * plain).epsilon(1e-5));
  for (size_t i = 0; i < dplain.size(); ++i) {
    CHECK(dones[i] == doctest::Approx(dplain[i]).epsilon(1e-4));
    CHECK(dtwos[i] == doctest::Approx(2 * dplain[i]).epsilon(1e-4));
  }
  // Weight 0 on every label present: no loss, no gradient.
  const auto [zero, dzero] = step({0, 0, 0, 0});
  CHECK(zero == 0.0);
  for (float g : dzero) CHECK(g == 0.0f);
}

TEST_CASE("test-time views: shift_image moves with fill; the mean over the cross and the flipped grid, by hand") {
  // shift_image on a 3x3 one-channel image: dst(y, x) = src(y + oy, x + ox), fill outside.
  const std::vector<float> src = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> dst(9);
  const float fill = -1.0f;
  shift_image(3, 1, src.data(), dst.data(), 0, 1, &fill);
  CHECK(dst == std::vector<float>{2, 3, -1, 5, 6, -1, 8, 9, -1});
  shift_image(3, 1, src.data(), dst.data(), -1, 0, &fill);
  CHECK(dst == std::vector<float>{-1, -1, -1, 1, 2, 3, 4, 5, 6});

  ViTConfig c = tiny_config();
  ViT model(c);
  Rng rng(5);
  model.init(rng);
  const int B = 2, S = c.image_size, C = c.channels, K = c.num_labels;
  const size_t n = size_t(S) * S * C;
  const std::vector<float> x = random_vector(int(n) * B, rng), black = {-0.5f, -0.4f, -0.3f};
  std::vector<float> plain(B * K), averaged(B * K), expect(B * K, 0.0f);
  predict_probs(model, B, x.data(), plain.data());
  view_mean_probs(model, B, x.data(), black, TestViews{}, averaged.data());
  CHECK(averaged == plain);  // shift 0 is the plain prediction
  const int moves[5][2] = {{0, 0}, {0, 2}, {0, -2}, {2, 0}, {-2, 0}};
  for (const auto& mv : moves) {
    std::vector<float> views(n * B), p(B * K);
    for (int b = 0; b < B; ++b) shift_image(S, C, x.data() + n * b, views.data() + n * b, mv[0], mv[1], black.data());
    predict_probs(model, B, views.data(), p.data());
    for (int i = 0; i < B * K; ++i) expect[i] += p[i] / 5.0f;
  }
  view_mean_probs(model, B, x.data(), black, TestViews{.shift = 2}, averaged.data());
  for (int i = 0; i < B * K; ++i) CHECK(averaged[i] == doctest::Approx(expect[i]).epsilon(1e-5));
  CHECK(averaged != plain);

  // The grid with flips: 9 moves within +-1, each also mirrored, 18 views.
  const TestViews grid{.shift = 1, .pattern = ShiftPattern::Grid, .flip = true};
  CHECK(view_moves(grid).size() == 18);
  std::fill(expect.begin(), expect.end(), 0.0f);
  for (int dy = -1; dy <= 1; ++dy)
    for (int dx = -1; dx <= 1; ++dx)
      for (bool mirror : {false, true}) {
        std::vector<float> views(n * B), p(B * K);
        for (int b = 0; b < B; ++b) {
          float* view = views.data() + n * b;
          shift_image(S, C, x.data() + n * b, view, dy, dx, black.data());
          if (mirror) mirror_image(S, C, view);
        }
        predict_probs(model, B, views.data(), p.data());
        for (int i = 0; i < B * K; ++i) expect[i] += p[i] / 18.0f;
      }
  view_mean_probs(model, B, x.data(), black, grid, averaged.data());
  for (int i = 0; i < B * K; ++i) CHECK(averaged[i] == doctest::Approx(expect[i]).epsilon(1e-5));
  CHECK_NOTHROW(check_test_shift(2, 8));
  CHECK_THROWS_WITH_AS(check_test_shift(3, 8), doctest::Contains("0 to 2 pixels"), Error);
  CHECK_THROWS_AS(check_test_shift(-1, 8), Error);
}

TEST_CASE("test-time views: names, and mirror_image reverses each row") {
  TestViews v{.shift = 1};
  for (const char* name : {"cross", "grid", "cross+flip", "grid+flip"}) {
    set_views_name(name, v);
    CHECK(views_name(v) == name);
    CHECK(v.shift == 1);
  }
  CHECK_THROWS_WITH_AS(set_views_name("grid+mirror", v), doctest::Contains("expected cross, grid"), Error);
  CHECK_THROWS_AS(set_views_name("", v), Error);
  CHECK(TestViews{}.plain());
  CHECK_FALSE(TestViews{.flip = true}.plain());
  CHECK(view_moves(TestViews{.shift = 2}).size() == 5);
  CHECK(view_moves(TestViews{.shift = 2, .pattern = ShiftPattern::Grid}).size() == 25);
  // Each row's pixels reversed, a pixel's channels kept together.
  std::vector<float> two = {1, 10, 2, 20, 3, 30, 4, 40};  // 2x2, two channels
  mirror_image(2, 2, two.data());
  CHECK(two == std::vector<float>{2, 20, 1, 10, 4, 40, 3, 30});
  std::vector<float> three = {1, 2, 3, 4, 5, 6, 7, 8, 9};  // 3x3, one channel
  mirror_image(3, 1, three.data());
  CHECK(three == std::vector<float>{3, 2, 1, 6, 5, 4, 9, 8, 7});
}
