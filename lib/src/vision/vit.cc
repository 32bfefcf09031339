#include "attn/vision/vit.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "attn/error.h"

namespace attn::vision {
namespace {

EncoderConfig encoder_config(const ViTConfig& c) {
  EncoderConfig e;
  e.layers = c.layers;
  e.dim = c.dim;
  e.heads = c.heads;
  e.ff_dim = c.ff_dim();
  e.dropout = c.dropout;
  e.drop_path = c.drop_path;
  e.locality = c.locality;
  e.final_norm = true;
  return e;
}

const char* pool_name(PoolKind k) {
  return k == PoolKind::Cls ? "cls" : k == PoolKind::Mean ? "mean" : "attention";
}

}  // namespace

int ViTConfig::ff_dim() const {
  return std::max(1, static_cast<int>(std::lround(dim * mlp_ratio)));
}

void check_vit_config(const ViTConfig& c) {
  auto need = [](bool ok, const std::string& what) {
    if (!ok) throw Error(what);
  };
  need(c.channels == 1 || c.channels == 3, "channels must be 1 or 3");
  need(c.image_size >= 8 && c.image_size <= 1024, "image size must be in 8..1024");
  need(c.patch >= 1 && c.patch <= c.image_size && c.image_size % c.patch == 0,
       "patch (" + std::to_string(c.patch) + ") must divide the image size (" +
           std::to_string(c.image_size) + ")");
  need(c.stem == StemKind::Linear || ConvStem::valid_patch(c.patch),
       "the conv stem needs a patch that is a power of two >= 2 (not " + std::to_string(c.patch) + ")");
  need(c.tokens() <= 4097, "too many patches: at most 4096 (use a larger patch)");
  need(c.dim >= 4 && c.dim <= 4096, "dim must be in 4..4096");
  need(c.heads >= 1 && c.dim % c.heads == 0,
       "dim (" + std::to_string(c.dim) + ") must be a multiple of heads (" +
           std::to_string(c.heads) + ")");
  need(c.layers >= 0 && c.layers <= 64, "layers must be in 0..64");
  need(c.mlp_ratio > 0.0f && c.mlp_ratio <= 16.0f, "mlp ratio must be in (0, 16]");
  need(c.dropout >= 0.0f && c.dropout < 1.0f, "dropout must be in [0, 1)");
  need(c.drop_path >= 0.0f && c.drop_path < 1.0f, "drop path must be in [0, 1)");
  need(c.num_labels >= 2 && c.num_labels <= 100000, "labels must number 2..100000");
}

std::string vit_config_to_json(const ViTConfig& c) {
  nlohmann::json j = {{"image_size", c.image_size}, {"channels", c.channels},
                      {"patch", c.patch},           {"dim", c.dim},
                      {"layers", c.layers},         {"heads", c.heads},
                      {"mlp_ratio", c.mlp_ratio},   {"dropout", c.dropout},
                      {"drop_path", c.drop_path},   {"pool", pool_name(c.pool)},
                      {"num_labels", c.num_labels}, {"stem", c.stem == StemKind::Conv ? "conv" : "linear"}};
  if (c.locality) j["attention"] = "locality";  // absent: files before it read as standard
  return j.dump();
}

ViTConfig vit_config_from_json(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) throw Error("attn.config model: not a JSON object");
  auto field = [&](const char* name) -> const nlohmann::json& {
    if (!j.contains(name)) throw Error(std::string("attn.config model: missing field \"") + name + "\"");
    return j.at(name);
  };
  auto integer = [&](const char* name) {
    const auto& v = field(name);
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 1000000)
      throw Error(std::string("attn.config model: field \"") + name + "\" must be a small integer");
    return v.get<int>();
  };
  auto number = [&](const char* name) {
    const auto& v = field(name);
    if (!v.is_number()) throw Error(std::string("attn.config model: field \"") + name + "\" must be a number");
    return v.get<float>();
  };
  ViTConfig c;
  c.image_size = integer("image_size");
  c.channels = integer("channels");
  c.patch = integer("patch");
  c.dim = integer("dim");
  c.layers = integer("layers");
  c.heads = integer("heads");
  c.mlp_ratio = number("mlp_ratio");
  c.dropout = number("dropout");
  c.drop_path = number("drop_path");
  c.num_labels = integer("num_labels");
  const auto& pool = field("pool");
  if (pool != "cls" && pool != "mean" && pool != "attention")
    throw Error("attn.config model: field \"pool\" must be \"cls\", \"mean\" or \"attention\"");
  c.pool = pool == "cls" ? PoolKind::Cls : pool == "mean" ? PoolKind::Mean : PoolKind::Attention;
  if (j.contains("stem")) {  // files written before the conv stem existed have a linear one
    const auto& stem = j.at("stem");
    if (stem != "linear" && stem != "conv") throw Error("attn.config model: field \"stem\" must be \"linear\" or \"conv\"");
    c.stem = stem == "conv" ? StemKind::Conv : StemKind::Linear;
  }
  if (j.contains("attention")) {
    const auto& kind = j.at("attention");
    if (kind != "standard" && kind != "locality")
      throw Error("attn.config model: field \"attention\" must be \"standard\" or \"locality\"");
    c.locality = kind == "locality";
  }
  try {
    check_vit_config(c);
  } catch (const Error& e) {
    throw Error(std::string("attn.config model: ") + e.what());
  }
  return c;
}

ViT::ViT(const ViTConfig& config)
    : config_((check_vit_config(config), config)),
      cls_("cls_token", {1, config.dim}, /*decay=*/false),
      positions_("positions", config.tokens(), config.dim),
      encoder_("encoder", encoder_config(config)),
      pool_(config.pool == PoolKind::Attention ? PoolKind::Mean : config.pool),
      head_("head", config.dim, config.num_labels) {
  if (config.pool == PoolKind::Attention) attn_pool_.emplace("pool", config.dim);
  if (config.stem == StemKind::Conv)
    stem_.emplace("stem", config.image_size, config.channels, config.patch, config.dim);
  else
    embed_.emplace("patch", config.image_size, config.channels, config.patch, config.dim);
}

void ViT::init(Rng& rng) {
  if (stem_) stem_->init(rng);
  if (embed_) embed_->init(rng);
  for (float& v : cls_.value.storage()) v = 0.02f * rng.normal();
  positions_.init(rng, 0.02f);
  encoder_.init(rng);
  if (attn_pool_) attn_pool_->init();
  head_.init(rng);
}

ParameterList ViT::parameters() {
  ParameterList params;
  if (stem_) stem_->collect(params);
  if (embed_) embed_->collect(params);
  params.push_back(&cls_);
  positions_.collect(params);
  encoder_.collect(params);
  if (attn_pool_) attn_pool_->collect(params);
  head_.collect(params);
  return params;
}

int64_t ViT::parameter_count() {
  int64_t n = 0;
  for (const Parameter* p : parameters()) n += p->value.size();
  return n;
}

void ViT::forward(int B, const float* images, Tensor& logits, Cache& cache, const RunContext& ctx,
                  bool keep_activations) const {
  const int K = config_.num_labels;
  logits.resize_for_overwrite({B, K});
  if (keep_activations) {
    run(B, images, logits.data(), cache, ctx, true);
    return;
  }
  // Inference: the batch in chunks of a few images, one chunk per thread at a time, each with
  // the thread's own activations, so a chunk's whole forward stays in the core's cache instead
  // of every layer streaming the batch's activations through memory. A chunk runs serially and
  // holds the same images whatever the thread count, so the logits do not depend on it.
  const int chunk = std::max(1, kInferenceChunkRows / config_.tokens());
  const int chunks = (B + chunk - 1) / chunk;
  if (chunks <= 1) {  // a small batch: the layers' own threads
    run(B, images, logits.data(), cache, ctx, false);
    return;
  }
  const size_t image = size_t(config_.image_size) * config_.image_size * config_.channels;
#pragma omp parallel for schedule(dynamic, 1)
  for (int c = 0; c < chunks; ++c) {
    static thread_local Cache local;
    const int b0 = c * chunk, nb = std::min(chunk, B - b0);
    run(nb, images + b0 * image, logits.data() + size_t(b0) * K, local, ctx, false);
  }
}

void ViT::run(int B, const float* images, float* logits, Cache& cache, const RunContext& ctx,
              bool keep_activations) const {
  const int C = config_.dim, T1 = config_.tokens(), N = T1 - 1;
  cache.B = B;
  cache.segs = Segments::uniform(B, T1);
  cache.embedded.resize_for_overwrite({int64_t(B) * N, C});
  if (stem_)  // e = embed(images)
    stem_->forward(B, images, cache.embedded.data(), cache.stem, keep_activations);
  else
    embed_->forward(B, images, cache.embedded.data(), cache.patches);
  cache.x.resize_for_overwrite({int64_t(B) * T1, C});
  float* x = cache.x.data();
  for (int b = 0; b < B; ++b) {  // x[b] = [cls; e[b]]   (T1, C)
    std::memcpy(x + size_t(b) * T1 * C, cls_.value.data(), sizeof(float) * C);
    std::memcpy(x + (size_t(b) * T1 + 1) * C, cache.embedded.data() + size_t(b) * N * C,
                sizeof(float) * N * C);
  }
  positions_.add(cache.segs, x);  // x += positions
  cache.h.resize_for_overwrite({int64_t(B) * T1, C});
  encoder_.forward(cache.segs, x, cache.h.data(), keep_activations ? &cache.encoder : nullptr,
                   ctx);  // h = encoder(x)
  cache.pooled.resize_for_overwrite({B, C});
  if (attn_pool_)  // pooled = pool(h)
    attn_pool_->forward(cache.segs, cache.h.data(), cache.pooled.data(), &cache.pool);
  else
    pool_.forward(cache.segs, cache.h.data(), C, cache.pooled.data());
  head_.forward(B, cache.pooled.data(), logits);  // logits = head(pooled)
}

void ViT::backward(Cache& cache, const float* dlogits) {
  const int B = cache.B, C = config_.dim, T1 = config_.tokens(), N = T1 - 1;
  const int T = B * T1;
  Tensor dpooled({B, C});
  head_.backward(B, cache.pooled.data(), dlogits, dpooled.data());  // from logits = head(pooled)
  Tensor& dh = cache.dh;  // kept in the cache: no fresh pages every step
  dh.resize_for_overwrite({T, C});  // pool_.backward writes it whole
  if (attn_pool_)  // from pooled = pool(h)
    attn_pool_->backward(cache.segs, cache.h.data(), dpooled.data(), dh.data(), cache.pool);
  else
    pool_.backward(cache.segs, cache.h.data(), dpooled.data(), C, dh.data());
  encoder_.backward(cache.segs, cache.x.data(), dh.data(), dh.data(), cache.encoder);  // h = enc(x)
  positions_.backward(cache.segs, dh.data());  // from x += positions (dx passes unchanged)
  Tensor& de = cache.de;
  de.resize_for_overwrite({int64_t(B) * N, C});
  float* dcls = cls_.grad.data();
  for (int b = 0; b < B; ++b) {  // from x[b] = [cls; e[b]]
    const float* row = dh.data() + size_t(b) * T1 * C;
    for (int c = 0; c < C; ++c) dcls[c] += row[c];
    std::memcpy(de.data() + size_t(b) * N * C, row + C, sizeof(float) * N * C);
  }
  if (stem_)  // from e = embed(images)
    stem_->backward(B, de.data(), cache.stem);
  else
    embed_->backward(B, de.data(), nullptr, cache.patches);
}

std::vector<std::vector<float>> ViT::attention_maps(const Cache& cache, int b) const {
  const int T1 = config_.tokens();
  if (cache.encoder.blocks.size() != encoder_.blocks.size())
    throw std::logic_error("ViT::attention_maps needs a forward with keep_activations");
  std::vector<std::vector<float>> maps;
  std::vector<std::pair<int, float>> row;
  const int base = b * T1;
  for (size_t l = 0; l < encoder_.blocks.size(); ++l) {
    std::vector<float> m(size_t(T1) * T1, 0.0f);
    for (int q = 0; q < T1; ++q) {
      encoder_.blocks[l].attn.attention_row(cache.segs, cache.encoder.blocks[l].attn, -1, base + q, row);
      for (const auto& [key, p] : row) m[size_t(q) * T1 + (key - base)] = p;
    }
    maps.push_back(std::move(m));
  }
  return maps;
}

std::vector<float> ViT::readout_weights(const Cache& cache, int b) const {
  const int T1 = config_.tokens();
  if (b < 0 || b >= cache.B) throw std::out_of_range("ViT::readout_weights: no image " + std::to_string(b));
  switch (config_.pool) {
    case PoolKind::Attention: {
      const float* a = cache.pool.weights.data() + size_t(b) * T1;
      return std::vector<float>(a, a + T1);
    }
    case PoolKind::Mean: return std::vector<float>(T1, 1.0f / T1);
    default: {
      std::vector<float> w(T1, 0.0f);
      w[0] = 1.0f;
      return w;
    }
  }
}

}  // namespace attn::vision
