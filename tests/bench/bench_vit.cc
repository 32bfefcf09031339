// attn-bench-vit: ViT inference and training speed (images/s) at a given shape, and where the
// time of one forward and one backward goes (GEMMs, attention, layer norm, GELU, the patch
// stem, data, the AdamW step).
//
// Usage: attn-bench-vit [--threads 1,2] [--seconds S] [--batch B] [--image S] [--patch P]
//                       [--dim C] [--layers L] [--heads H] [--mlp-ratio R] [--stem linear|conv]
// Output: "vit infer|train STEM B T C L H threads images/s" lines and
// "part STEM PASS NAME ms ..." lines, read by run_vit_bench.sh.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/blas.h"
#include "attn/layers/layer_norm.h"
#include "attn/layers/loss.h"
#include "attn/layers/linear.h"
#include "attn/ops.h"
#include "attn/parallel.h"
#include "attn/rng.h"
#include "bench_timing.h"
#include "attn/train/optimizer.h"
#include "attn/vision/conv_stem.h"
#include "attn/vision/patch_embedding.h"
#include "attn/vision/vit.h"
#include "attn/vision/vit_parallel.h"
#include "attn/vision/vit_train.h"

namespace {

using attn::bench::best_seconds;
using attn::bench::random_vector;

struct Args {
  std::vector<int> threads{1, 2};
  double seconds = 2.0;
  int batch = 256;
  attn::vision::ViTConfig vit;
};

Args parse(int argc, char** argv) {
  Args a;
  a.vit.image_size = 28, a.vit.channels = 1, a.vit.patch = 4, a.vit.dim = 64, a.vit.layers = 4;
  a.vit.heads = 4, a.vit.mlp_ratio = 2.0f, a.vit.drop_path = 0.0f, a.vit.num_labels = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--threads") {
      a.threads.clear();
      for (const char* p = v; *p;) {
        a.threads.push_back(std::atoi(p));
        while (*p && *p != ',') ++p;
        if (*p) ++p;
      }
    } else if (k == "--seconds") a.seconds = std::atof(v);
    else if (k == "--batch") a.batch = std::atoi(v);
    else if (k == "--image") a.vit.image_size = std::atoi(v);
    else if (k == "--patch") a.vit.patch = std::atoi(v);
    else if (k == "--dim") a.vit.dim = std::atoi(v);
    else if (k == "--layers") a.vit.layers = std::atoi(v);
    else if (k == "--heads") a.vit.heads = std::atoi(v);
    else if (k == "--mlp-ratio") a.vit.mlp_ratio = std::atof(v);
    else if (k == "--stem" && (std::strcmp(v, "linear") == 0 || std::strcmp(v, "conv") == 0))
      a.vit.stem = std::strcmp(v, "conv") == 0 ? attn::vision::StemKind::Conv : attn::vision::StemKind::Linear;
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      std::exit(2);
    }
  }
  return a;
}

const char* stem_name(const attn::vision::ViTConfig& c) {
  return c.stem == attn::vision::StemKind::Conv ? "conv" : "linear";
}

// The parts of one forward and one backward of a.batch images, timed alone at the model's shapes.
void parts(const Args& a, attn::vision::ViT& model) {
  using namespace attn;
  const auto& c = a.vit;
  const int B = a.batch, T1 = c.tokens(), T = B * T1, C = c.dim, F = c.ff_dim(), L = c.layers;
  const int N = T1 - 1;
  const char* stem = stem_name(c);
  Rng rng(3);
  const auto x = random_vector(rng, size_t(T) * std::max(C, F)), dy = x;
  std::vector<float> y(size_t(T) * std::max(C, F)), dx(y.size());
  auto linear_ms = [&](int rows, int in, int out, bool back) {
    Linear lin("l", in, out);
    lin.init(rng);
    lin.weight.zero_grad();
    lin.bias.zero_grad();
    return 1e3 * best_seconds([&] {
      if (back) lin.backward(rows, x.data(), dy.data(), dx.data());
      else lin.forward(rows, x.data(), y.data());
    }, a.seconds / 4);
  };
  const Segments segs = Segments::uniform(B, T1);
  AttentionSpec spec;
  spec.heads = c.heads;
  spec.head_dim = C / c.heads;
  AttentionCache cache;
  attention_forward(spec, segs, x.data(), x.data(), x.data(), y.data(), &cache);
  std::vector<float> dq(size_t(T) * C), dk(dq.size()), dv(dq.size());
  LayerNorm ln("ln", C);
  LayerNorm::Cache lnc;
  ln.weight.zero_grad();
  ln.bias.zero_grad();
  // The patch stem: a linear map per patch, or the 3x3 stride-2 convolutions (im2col, GEMMs,
  // GELU) and their 1x1 projection.
  const auto pixels = random_vector(rng, size_t(B) * c.image_size * c.image_size * c.channels);
  std::vector<float> tokens(size_t(B) * N * C), dtokens = random_vector(rng, tokens.size());
  const bool conv_stem = c.stem == vision::StemKind::Conv;
  std::optional<vision::ConvStem> conv;  // the conv stem needs a power-of-two patch
  if (conv_stem) conv.emplace("stem", c.image_size, c.channels, c.patch, C);
  vision::ConvStem::Cache conv_cache;
  vision::PatchEmbedding embed("patch", c.image_size, c.channels, c.patch, C);
  vision::PatchEmbedding::Cache embed_cache;
  ParameterList stem_params;
  if (conv) conv->init(rng), conv->collect(stem_params);
  embed.init(rng);
  embed.collect(stem_params);
  for (Parameter* p : stem_params) p->zero_grad();
  if (conv) conv->forward(B, pixels.data(), tokens.data(), conv_cache);
  else embed.forward(B, pixels.data(), tokens.data(), embed_cache);
  for (int back = 0; back < 2; ++back) {
    const char* pass = back ? "backward" : "forward";
    // Per layer: q, k, v, out (C -> C), fc1 (C -> F), fc2 (F -> C); plus the head.
    const double gemm = L * (4 * linear_ms(T, C, C, back) + linear_ms(T, C, F, back) +
                             linear_ms(T, F, C, back)) +
                        linear_ms(B, C, c.num_labels, back);
    const double stem_ms = 1e3 * best_seconds([&] {
      if (conv && back) conv->backward(B, dtokens.data(), conv_cache);
      else if (conv) conv->forward(B, pixels.data(), tokens.data(), conv_cache);
      else if (back) embed.backward(B, dtokens.data(), nullptr, embed_cache);
      else embed.forward(B, pixels.data(), tokens.data(), embed_cache);
    }, a.seconds / 4);
    const double att = L * 1e3 * best_seconds([&] {
      if (back) attention_backward(spec, segs, x.data(), x.data(), x.data(), cache, dy.data(), dq.data(), dk.data(), dv.data());
      else attention_forward(spec, segs, x.data(), x.data(), x.data(), y.data(), &cache);
    }, a.seconds / 4);
    const double norm = (2 * L + 1) * 1e3 * best_seconds([&] {
      if (back) ln.backward(T, x.data(), dy.data(), dx.data(), lnc);
      else ln.forward(T, x.data(), y.data(), &lnc);
    }, a.seconds / 4);
    // As training runs it: the forward keeps gelu' (in place of its input), backward multiplies.
    std::vector<float> hidden = x;
    const double gelu = L * 1e3 * best_seconds([&] {
      if (back) ops::mul(int64_t(T) * F, dy.data(), hidden.data(), dx.data());
      else ops::gelu_forward_slope(int64_t(T) * F, hidden.data(), y.data());
    }, a.seconds / 4);
    std::printf("part %s %s gemm %.3f attention %.3f layer_norm %.3f gelu %.3f stem %.3f\n", stem,
                pass, gemm, att, norm, gelu, stem_ms);
  }
  // The optimizer's share of a training step: AdamW over all parameters.
  AdamW opt;
  const ParameterList params = model.parameters();
  for (Parameter* p : params) p->zero_grad();
  const double adamw = 1e3 * best_seconds([&] { opt.step(params); }, a.seconds / 4);
  std::printf("part %s step adamw %.3f\n", stem, adamw);
  // Data: normalising and augmenting one batch (crop with padding, erasing), as training does.
  vision::ImageSet set;
  set.size = c.image_size;
  set.channels = c.channels;
  for (int i = 0; i < B; ++i) {
    vision::Image img(c.image_size, c.image_size, c.channels);
    for (auto& p : img.pixels) p = static_cast<uint8_t>(rng.below(256));
    set.add(img, 0);
  }
  const vision::ChannelStats stats{std::vector<float>(c.channels, 0.3f), std::vector<float>(c.channels, 0.3f)};
  std::vector<int> items(B);
  for (int i = 0; i < B; ++i) items[i] = i;
  std::vector<float> images(set.image_bytes() * B);
  vision::AugmentConfig aug;
  aug.crop_padding = c.image_size / 8;
  aug.erase_prob = 0.25f;
  const std::vector<float> fill(c.channels, -1.0f);
  const double data = 1e3 * best_seconds([&] {
    vision::normalize_items(set, items, stats, images.data());
    for (int b = 0; b < B; ++b) vision::augment_image(c.image_size, c.channels, images.data() + b * set.image_bytes(), fill.data(), aug, rng);
  }, a.seconds / 4);
  std::printf("part %s data normalise+augment %.3f\n", stem, data);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace attn;
  const Args a = parse(argc, argv);
  const auto& c = a.vit;
  std::printf("# ViT batch %d, %d tokens (image %d, patch %d, %s stem), dim %d, %d layers, %d heads, ff %d; %s\n",
              a.batch, c.tokens(), c.image_size, c.patch, stem_name(c), c.dim, c.layers, c.heads,
              c.ff_dim(), blas_description().c_str());
  Rng rng(1);
  vision::ViT model(c);
  model.init(rng);
  const int B = a.batch;
  const auto images = random_vector(rng, size_t(B) * c.image_size * c.image_size * c.channels);
  std::vector<int32_t> labels(B);
  for (int b = 0; b < B; ++b) labels[b] = b % c.num_labels;
  for (int threads : a.threads) {
    set_threads(threads);
    Tensor logits;
    vision::ViT::Cache cache;
    const double infer = best_seconds([&] { model.forward(B, images.data(), logits, cache, {}, false); }, a.seconds);
    // A training step as attn-image trains: forward with activations and backward, data-parallel
    // over the threads (vit_parallel.h), cross-entropy, AdamW.
    AdamW opt;
    const ParameterList params = model.parameters();
    for (Parameter* p : params) p->zero_grad();
    vision::ViTDataParallel parallel(model);
    std::vector<float> train_logits(size_t(B) * c.num_labels), dlogits(train_logits.size());
    uint64_t step = 0;
    const double train = best_seconds([&] {
      parallel.forward(B, images.data(), {.training = true, .seed = ++step}, train_logits.data());
      softmax_cross_entropy(B, c.num_labels, train_logits.data(), labels.data(), 0.1f, dlogits.data(), nullptr);
      parallel.backward(dlogits.data());
      opt.step(params);
    }, a.seconds);
    std::printf("vit infer %s %d %d %d %d %d %d %.1f\n", stem_name(c), B, c.tokens(), c.dim, c.layers, c.heads, threads, B / infer);
    std::printf("vit train %s %d %d %d %d %d %d %.1f\n", stem_name(c), B, c.tokens(), c.dim, c.layers, c.heads, threads, B / train);
    std::fflush(stdout);
    if (threads == a.threads.back()) {
      // A data-parallel step gives each thread B / threads images to run alone, so the parts are
      // timed at that share on one thread: their sum is comparable with the step's time.
      Args share = a;
      share.batch = std::max(1, a.batch / threads);
      set_threads(1);
      parts(share, model);
      set_threads(threads);
    }
  }
  return 0;
}
