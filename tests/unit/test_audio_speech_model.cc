// The speech classifier: stacking/subsampling, finite-difference gradients of the whole model,
// chunked and streamed encode equal to the whole utterance's encoder output, and the model file round trip
// with its feature options (and its refusals).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include <unistd.h>

#include "attn/audio/encode_stream.h"
#include "attn/audio/speech_model_file.h"
#include "attn/audio/speech_predict.h"
#include "attn/error.h"
#include "layers_gradcheck.h"

using namespace attn;
using namespace attn::audio;

namespace {

SpeechModelConfig tiny(int F) {
  SpeechModelConfig c;
  c.input_dim = F;
  c.stack = 2;
  c.subsample = 2;
  c.dim = 8;
  c.layers = 2;
  c.heads = 2;
  c.ff_dim = 16;
  c.window = 2;
  c.dropout = 0.0f;
  c.num_labels = 3;
  return c;
}

Tensor random_feats(int64_t T, int F, Rng& rng) {
  Tensor x({T, int64_t(F)});
  for (float& v : x.storage()) v = rng.uniform(-1, 1);
  return x;
}

}  // namespace

TEST_CASE("stacking and subsampling repeat the last frame past the end") {
  const float x[] = {0, 10, 1, 11, 2, 12, 3, 13, 4, 14};  // (5, 2)
  CHECK(model_frames(5, 2) == 3);
  std::vector<float> out(3 * 3 * 2);
  stack_frames(x, 5, 2, 3, 2, 0, 3, out.data());
  CHECK(out == std::vector<float>{0, 10, 1, 11, 2, 12, 2, 12, 3, 13, 4, 14, 4, 14, 4, 14, 4, 14});
}

TEST_CASE("speech classifier gradients match finite differences") {
  struct Variant {
    PoolKind pool;
    int conv_pos;
  };
  for (const Variant v : {Variant{PoolKind::Mean, 0}, Variant{PoolKind::Max, 0}, Variant{PoolKind::MeanMax, 0},
                          Variant{PoolKind::Mean, 3}, Variant{PoolKind::Max, 5}}) {
    const PoolKind pool = v.pool;
    CAPTURE(speech_pool_name(pool));
    CAPTURE(v.conv_pos);
    Rng rng(11);
    SpeechModelConfig c = tiny(3);
    c.pool = pool;
    c.conv_pos = v.conv_pos;
    SpeechClassifier model(c);
    model.init(rng);
    const Tensor a = random_feats(9, 3, rng), b = random_feats(4, 3, rng);
    const std::vector<const Tensor*> batch{&a, &b};
    const std::vector<float> w = testing::random_vector(2 * 3, rng);
    SpeechClassifier::Cache cache;
    Tensor logits;
    auto loss = [&] {
      model.forward(batch, logits, cache, RunContext{}, false);
      return testing::weighted_sum(logits.storage(), w);
    };
    // A max over frames has kinks where two frames tie: a weight that moves every frame can
    // cross one within the default step of 1e-2, so the max pools take a smaller step.
    testing::GradCheckOptions opt;
    if (pool != PoolKind::Mean) opt.eps = 1e-3f;
    testing::check_parameter_gradients(
        model.parameters(),
        [&] {
          model.forward(batch, logits, cache, RunContext{}, true);
          model.backward(cache, w.data());
        },
        loss, opt);
  }
}

// The whole-utterance encoder output: forward()'s h, (U, C).
std::vector<float> whole_encoding(const SpeechClassifier& model, const Tensor& x) {
  SpeechClassifier::Cache cache;
  Tensor logits;
  model.forward({&x}, logits, cache, RunContext{}, false);
  return cache.h.storage();
}

double worst_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, double(std::abs(a[i] - b[i])));
  return worst;
}

TEST_CASE("chunked encode equals the whole utterance") {
  Rng rng(5);
  SpeechClassifier model(tiny(4));
  model.init(rng);
  const Tensor x = random_feats(101, 4, rng);
  const std::vector<float> whole = whole_encoding(model, x);
  REQUIRE(whole.size() == size_t(model_frames(101, 2)) * 8);
  for (int64_t chunk : {1, 3, 7, 50, 1 << 20}) {
    std::vector<float> pieces;
    model.encode(x.data(), 101, [&](const float* rows, int64_t n) { pieces.insert(pieces.end(), rows, rows + n * 8); }, chunk);
    REQUIRE(pieces.size() == whole.size());
    CHECK(worst_difference(pieces, whole) < 1e-5);  // float rounding of other GEMM blockings only
  }
}

TEST_CASE("EncodeStream: frames pushed in pieces give the whole utterance's embeddings") {
  // stack > subsample reaches into the next model frames' input; subsample 1 and 3 change the
  // right context the stream waits for; T not a multiple of subsample repeats the last frame.
  // A positional convolution reaches conv_pos / 2 frames further.
  struct Shape {
    int stack, subsample, layers, window, conv_pos;
  };
  for (const Shape& s : {Shape{2, 2, 2, 2, 0}, Shape{5, 2, 2, 3, 0}, Shape{3, 3, 1, 4, 0}, Shape{1, 1, 3, 1, 0},
                         Shape{4, 3, 0, 1, 0}, Shape{5, 2, 2, 3, 7}, Shape{2, 2, 0, 1, 9}}) {
    CAPTURE(s.stack);
    CAPTURE(s.subsample);
    CAPTURE(s.layers);
    CAPTURE(s.conv_pos);
    SpeechModelConfig c = tiny(4);
    c.stack = s.stack;
    c.subsample = s.subsample;
    c.layers = s.layers;
    c.window = s.window;
    c.conv_pos = s.conv_pos;
    Rng rng(7);
    SpeechClassifier model(c);
    model.init(rng);
    const int64_t T = 1001;  // about 40 chunks of 12 model frames
    const Tensor x = random_feats(T, 4, rng);
    const std::vector<float> whole = whole_encoding(model, x);
    std::vector<float> streamed;
    int64_t calls = 0;
    EncodeStream stream(model, [&](const float* rows, int64_t n) {
      streamed.insert(streamed.end(), rows, rows + n * 8);
      ++calls;
    }, 12);
    for (int64_t t = 0; t < T;) {  // pieces of 1 to 37 frames, as audio blocks give them
      const int64_t n = std::min<int64_t>(T - t, 1 + int64_t(rng.below(37)));
      stream.push(x.data() + t * 4, n);
      t += n;
      // Embeddings leave as soon as their context is in: never more than a chunk plus the
      // context behind the input.
      const int64_t complete = t >= s.stack ? (t - s.stack) / s.subsample + 1 : 0;  // model frames
      const int64_t ready = complete - int64_t(s.layers) * s.window - s.conv_pos / 2;
      CHECK(stream.frames_out() + 12 >= ready);
    }
    CHECK(calls >= model_frames(T, s.subsample) / 12 - 2);  // emitted while the input was arriving
    stream.finish();
    REQUIRE(stream.frames_out() == model_frames(T, s.subsample));
    REQUIRE(streamed.size() == whole.size());
    // Chunks and the whole run through different GEMM blockings: float rounding only (1.2e-6
    // seen on an AVX-512 EPYC); a frame missing context would differ by far more.
    CHECK(worst_difference(streamed, whole) < 1e-5);
  }
}

TEST_CASE("model files keep the feature options and refuse what does not fit") {
  const std::string path = (std::filesystem::temp_directory_path() / ("attn_speech_" + std::to_string(::getpid()) + ".safetensors")).string();
  PipelineOptions p;
  p.features.frame.sample_frequency = 8000;
  p.features.frame.snip_edges = false;
  p.deltas.order = 2;
  p.cmvn = CmvnMode::Utterance;
  p.vad.enabled = true;
  p.vad.frames_context = 2;
  p.vad.proportion_threshold = 0.25f;
  Rng rng(1);
  SpeechModel m{std::make_unique<SpeechClassifier>(tiny(p.dim())), {"a", "b", "c"}, p, {0.9f, 1.1f}};
  m.classifier->init(rng);
  save_speech_model(path, m, {{"attn.train_command", "x"}});
  const SpeechModel back = load_speech_model(SafeTensorsFile::open(path));
  CHECK(back.features.dim() == 39);
  CHECK(back.features.features.frame.sample_frequency == 8000);
  CHECK(!back.features.features.frame.snip_edges);
  CHECK(back.features.cmvn == CmvnMode::Utterance);
  CHECK(back.features.vad.enabled);
  CHECK(back.features.vad.frames_context == 2);
  CHECK(back.features.vad.proportion_threshold == 0.25f);
  CHECK(back.features.vad.energy_mean_scale == 0.5f);
  CHECK(back.mel_warps == std::vector<float>{0.9f, 1.1f});
  CHECK(back.labels == m.labels);
  CHECK(back.classifier->config().window == 2);
  CHECK(back.classifier->config().pool == PoolKind::Mean);

  // The pooling is kept (mean-max doubles the head's input).
  SpeechModelConfig mm = tiny(p.dim());
  mm.pool = PoolKind::MeanMax;
  SpeechModel pooled{std::make_unique<SpeechClassifier>(mm), {"a", "b", "c"}, p, {}};
  pooled.classifier->init(rng);
  save_speech_model(path, pooled);
  CHECK(load_speech_model(SafeTensorsFile::open(path)).classifier->config().pool == PoolKind::MeanMax);

  // The positional convolution's width is kept, with its weights; an even width is refused.
  SpeechModelConfig conv = tiny(p.dim());
  conv.conv_pos = 5;
  SpeechModel convolved{std::make_unique<SpeechClassifier>(conv), {"a", "b", "c"}, p, {}};
  convolved.classifier->init(rng);
  save_speech_model(path, convolved);
  const SpeechModel conv_back = load_speech_model(SafeTensorsFile::open(path));
  CHECK(conv_back.classifier->config().conv_pos == 5);
  CHECK(back.classifier->config().conv_pos == 0);
  for (size_t i = 0; i < convolved.classifier->parameters().size(); ++i)
    CHECK(conv_back.classifier->parameters()[i]->value.storage() == convolved.classifier->parameters()[i]->value.storage());
  conv.conv_pos = 4;
  CHECK_THROWS_WITH_AS(conv.validate(), doctest::Contains("conv_pos 4 (expected 0, or an odd width up to 63)"), Error);

  // Features of another dimension than the model reads: refused, naming the field.
  p.deltas.order = 0;
  SpeechModel wrong{std::make_unique<SpeechClassifier>(tiny(39)), {"a", "b", "c"}, p, {}};
  save_speech_model(path, wrong);
  try {
    load_speech_model(SafeTensorsFile::open(path));
    CHECK(false);
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("model.input_dim 39 differs from the features' dimension 13") != std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST_CASE("a model saved before VAD and test-time warps existed (the shipped one) loads without them") {
  const char* src = std::getenv("ATTN_SOURCE_DIR");
  const std::filesystem::path root = src && *src ? std::filesystem::path(src) : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  const SpeechModel shipped = load_speech_model(SafeTensorsFile::open((root / "assets/models/speech-digits.safetensors").string()));
  CHECK(!shipped.features.vad.enabled);
  CHECK(shipped.mel_warps.empty());
  CHECK(shipped.features.cmvn == CmvnMode::Utterance);
  CHECK(shipped.classifier->config().pool == PoolKind::Mean);  // saved before "pool" existed
}

TEST_CASE("an ensemble: probabilities averaged over members and warps; members must share labels and features") {
  PipelineOptions p;
  p.features.frame.sample_frequency = 8000;
  Rng rng(2);
  SpeechModel a{std::make_unique<SpeechClassifier>(tiny(p.dim())), {"a", "b", "c"}, p, {}};
  SpeechModel b{std::make_unique<SpeechClassifier>(tiny(p.dim())), {"a", "b", "c"}, p, {1.1f}};
  a.classifier->init(rng);
  b.classifier->init(rng);
  const Tensor x = random_feats(12, p.dim(), rng), y = random_feats(9, p.dim(), rng);
  const std::vector<float> pa = predict_probs(*a.classifier, {&x, &y}), pb = predict_probs(*b.classifier, {&x, &y});
  const std::vector<float> pay = predict_probs(*a.classifier, {&y, &x}), pby = predict_probs(*b.classifier, {&y, &x});
  // Two members, two "warps": row r averages both members over row r of each warp's batch (here
  // the first row is x at the first warp and y at the second).
  const std::vector<float> mean = mean_probs({a.classifier.get(), b.classifier.get()}, {{&x, &y}, {&y, &x}});
  REQUIRE(mean.size() == 6);
  for (int i = 0; i < 6; ++i) CHECK(mean[i] == doctest::Approx((pa[i] + pb[i] + pay[i] + pby[i]) / 4).epsilon(1e-6));
  CHECK(std::abs(pa[0] - pb[0]) > 1e-3);  // the members differ, so the mean is not one of them
  CHECK_NOTHROW(check_ensemble_member(a, b));  // warps may differ

  SpeechModel other_labels{std::make_unique<SpeechClassifier>(tiny(p.dim())), {"a", "c", "b"}, p, {}};
  CHECK_THROWS_WITH_AS(check_ensemble_member(a, other_labels), "its labels [a,c,b] differ from the first model's [a,b,c]", Error);
  PipelineOptions q = p;
  q.features.mel.num_bins = 40;
  SpeechModel other_features{std::make_unique<SpeechClassifier>(tiny(q.dim())), {"a", "b", "c"}, q, {}};
  CHECK_THROWS_WITH_AS(check_ensemble_member(a, other_features),
                       "its feature option /features/num_mel_bins is 40, the first model's 23", Error);
}
