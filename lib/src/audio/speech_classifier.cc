#include "attn/audio/speech_classifier.h"

#include "attn/audio/encode_stream.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "attn/error.h"

namespace attn::audio {

namespace {

EncoderConfig encoder_config(const SpeechModelConfig& c) {
  EncoderConfig e;
  e.layers = c.layers;
  e.dim = c.dim;
  e.heads = c.heads;
  e.ff_dim = c.ff_dim;
  e.dropout = c.dropout;
  e.mask = MaskKind::Window;
  e.window = c.window;
  e.final_norm = true;
  return e;
}

}  // namespace

void SpeechModelConfig::validate() const {
  auto bad = [](const std::string& what) { throw Error("speech model config: " + what); };
  if (input_dim < 1 || input_dim > 4096) bad(fmt::format("input_dim {} (expected 1 to 4096)", input_dim));
  if (stack < 1 || stack > 32) bad(fmt::format("stack {} (expected 1 to 32)", stack));
  if (subsample < 1 || subsample > 32) bad(fmt::format("subsample {} (expected 1 to 32)", subsample));
  if (conv_pos < 0 || conv_pos > 63 || (conv_pos > 0 && conv_pos % 2 == 0))
    bad(fmt::format("conv_pos {} (expected 0, or an odd width up to 63)", conv_pos));
  if (dim < 4 || dim > 4096 || heads < 1 || dim % heads != 0)
    bad(fmt::format("dim {} with {} heads (dim must be a multiple of heads)", dim, heads));
  if (layers < 0 || layers > 64) bad(fmt::format("layers {}", layers));
  if (ff_dim < 1 || ff_dim > 65536) bad(fmt::format("ff_dim {}", ff_dim));
  if (window < 1 || window > 100000) bad(fmt::format("window {}", window));
  if (!(dropout >= 0.0f && dropout < 1.0f)) bad(fmt::format("dropout {}", dropout));
  if (num_labels < 1 || num_labels > 100000) bad(fmt::format("num_labels {}", num_labels));
  if (pool == PoolKind::Cls) bad("pool cls (the speech encoder has no class token)");
  if (pool == PoolKind::Attention) bad("pool attention (not built for the speech classifier)");
}

std::string speech_pool_name(PoolKind k) {
  switch (k) {
    case PoolKind::Max: return "max";
    case PoolKind::MeanMax: return "mean-max";
    case PoolKind::Cls: return "cls";
    case PoolKind::Attention: return "attention";
    case PoolKind::Mean: break;
  }
  return "mean";
}

std::vector<std::pair<std::string, PoolKind>> speech_pool_names() {
  std::vector<std::pair<std::string, PoolKind>> names;
  for (PoolKind k : {PoolKind::Mean, PoolKind::Max, PoolKind::MeanMax}) names.emplace_back(speech_pool_name(k), k);
  return names;
}

PoolKind speech_pool_from_name(const std::string& name) {
  for (const auto& [n, k] : speech_pool_names())
    if (name == n) return k;
  throw Error(fmt::format("speech model config: pool '{}' (expected mean, max or mean-max)", name));
}

std::string speech_config_to_json(const SpeechModelConfig& c) {
  nlohmann::ordered_json j = {{"input_dim", c.input_dim}, {"stack", c.stack},   {"subsample", c.subsample},
                              {"conv_pos", c.conv_pos},
                              {"dim", c.dim},             {"layers", c.layers}, {"heads", c.heads},
                              {"ff_dim", c.ff_dim},       {"window", c.window}, {"dropout", c.dropout},
                              {"num_labels", c.num_labels}, {"pool", speech_pool_name(c.pool)}};
  return j.dump();
}

SpeechModelConfig speech_config_from_json(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) throw Error("speech model config: not a JSON object");
  SpeechModelConfig c;
  auto get = [&](const char* key, auto& field) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) throw Error(fmt::format("speech model config: field '{}' missing or not a number", key));
    field = it->get<std::decay_t<decltype(field)>>();
  };
  get("input_dim", c.input_dim);
  get("stack", c.stack);
  get("subsample", c.subsample);
  get("dim", c.dim);
  get("layers", c.layers);
  get("heads", c.heads);
  get("ff_dim", c.ff_dim);
  get("window", c.window);
  get("dropout", c.dropout);
  get("num_labels", c.num_labels);
  if (j.contains("conv_pos")) get("conv_pos", c.conv_pos);  // models saved before it existed: none
  if (auto it = j.find("pool"); it != j.end()) {  // models saved before it existed: mean
    if (!it->is_string()) throw Error("speech model config: field 'pool' is not a string");
    c.pool = speech_pool_from_name(it->get<std::string>());
  }
  c.validate();
  return c;
}

int64_t model_frames(int64_t frames, int subsample) { return (frames + subsample - 1) / subsample; }

void stack_frames(const float* x, int64_t T, int F, int stack, int subsample, int64_t first, int64_t n,
                  float* out) {
  for (int64_t u = 0; u < n; ++u)
    for (int j = 0; j < stack; ++j) {
      const int64_t t = std::min((first + u) * subsample + j, T - 1);
      std::copy(x + t * F, x + (t + 1) * F, out + (u * stack + j) * F);
    }
}

SpeechClassifier::SpeechClassifier(const SpeechModelConfig& config)
    : config_((config.validate(), config)),
      proj_("proj", config.stack * config.input_dim, config.dim),
      conv_(config.conv_pos > 0 ? std::make_optional<TemporalConv>("conv_pos", config.dim, config.conv_pos)
                                : std::nullopt),
      encoder_("encoder", encoder_config(config)),
      pool_(config.pool),
      head_("head", pool_.out_channels(config.dim), config.num_labels) {}

ParameterShapes SpeechClassifier::parameter_shapes(const SpeechModelConfig& c) {
  const int64_t C = c.dim;
  ParameterShapes out = {{"proj.weight", {C, int64_t(c.stack) * c.input_dim}}, {"proj.bias", {C}}};
  if (c.conv_pos > 0) {
    out.push_back({"conv_pos.weight", {C, c.conv_pos}});
    out.push_back({"conv_pos.bias", {C}});
  }
  Encoder::parameter_shapes("encoder", encoder_config(c), out);
  out.push_back({"head.weight", {c.num_labels, Pooling(c.pool).out_channels(c.dim)}});
  out.push_back({"head.bias", {c.num_labels}});
  return out;
}

void SpeechClassifier::init(Rng& rng) {
  proj_.init(rng);
  if (conv_) conv_->init(rng);
  encoder_.init(rng);
  head_.init(rng);
}

ParameterList SpeechClassifier::parameters() {
  ParameterList params;
  proj_.collect(params);
  if (conv_) conv_->collect(params);
  encoder_.collect(params);
  head_.collect(params);
  return params;
}

int64_t SpeechClassifier::parameter_count() {
  int64_t n = 0;
  for (const Parameter* p : parameters()) n += p->value.size();
  return n;
}

void SpeechClassifier::forward(const std::vector<const Tensor*>& feats, Tensor& logits, Cache& cache,
                               const RunContext& ctx, bool keep_activations) const {
  const int B = int(feats.size()), F = config_.input_dim, C = config_.dim;
  const int S = config_.stack * F;
  std::vector<int> lengths(B);
  for (int b = 0; b < B; ++b) {
    if (feats[b]->rank() != 2 || feats[b]->dim(1) != F || feats[b]->dim(0) < 1)
      throw std::invalid_argument("SpeechClassifier::forward: features must be (T >= 1, input_dim)");
    lengths[b] = int(model_frames(feats[b]->dim(0), config_.subsample));
  }
  cache.segs = Segments::from_lengths(lengths);
  const int U = cache.segs.total();
  cache.stacked.resize({U, S});  // stacked: (U, S)
  for (int b = 0; b < B; ++b)
    stack_frames(feats[b]->data(), feats[b]->dim(0), F, config_.stack, config_.subsample, 0, lengths[b],
                 cache.stacked.data() + int64_t(cache.segs.offsets[b]) * S);
  cache.x.resize({U, C});  // x = proj(stacked): (U, C)
  proj_.forward(U, cache.stacked.data(), cache.x.data());
  if (conv_) {
    cache.xc.resize({U, C});  // xc = conv(x): (U, C)
    conv_->forward(cache.segs, cache.x.data(), cache.xc.data(), keep_activations ? &cache.conv : nullptr);
  }
  const Tensor& in = conv_ ? cache.xc : cache.x;
  cache.h.resize({U, C});  // h = encoder(in): (U, C)
  encoder_.forward(cache.segs, in.data(), cache.h.data(), keep_activations ? &cache.encoder : nullptr, ctx);
  const int P = pool_.out_channels(C);
  cache.pooled.resize({B, P});  // pooled = pool of each utterance's frames: (B, P)
  pool_.forward(cache.segs, cache.h.data(), C, cache.pooled.data());
  logits.resize({B, config_.num_labels});  // logits = head(pooled): (B, K)
  head_.forward(B, cache.pooled.data(), logits.data());
}

void SpeechClassifier::backward(Cache& cache, const float* dlogits) {
  const int B = cache.segs.count(), U = cache.segs.total(), C = config_.dim;
  Tensor dpooled({B, pool_.out_channels(C)});
  head_.backward(B, cache.pooled.data(), dlogits, dpooled.data());  // logits = head(pooled)
  Tensor dh({U, C});
  pool_.backward(cache.segs, cache.h.data(), dpooled.data(), C, dh.data());  // pooled = pool(h)
  Tensor dx({U, C});
  if (conv_) {
    Tensor dxc({U, C});
    encoder_.backward(cache.segs, cache.xc.data(), dh.data(), dxc.data(), cache.encoder);  // h = encoder(xc)
    conv_->backward(cache.segs, cache.x.data(), dxc.data(), dx.data(), cache.conv);  // xc = conv(x)
  } else {
    encoder_.backward(cache.segs, cache.x.data(), dh.data(), dx.data(), cache.encoder);  // h = encoder(x)
  }
  proj_.backward(U, cache.stacked.data(), dx.data(), nullptr);  // x = proj(stacked)
}

void SpeechClassifier::encode(const float* x, int64_t T, const std::function<void(const float*, int64_t)>& sink,
                              int64_t chunk) const {
  EncodeStream stream(*this, sink, chunk);
  stream.push(x, T);
  stream.finish();
}

void SpeechClassifier::encode_frames(const float* stacked, int64_t n, float* h) const {
  const Segments one = Segments::from_lengths({int(n)});
  proj_.forward(int(n), stacked, h);
  if (conv_) {
    std::vector<float> x(h, h + n * config_.dim);
    conv_->forward(one, x.data(), h, nullptr);
  }
  encoder_.forward(one, h, h, nullptr, RunContext{});
}

}  // namespace attn::audio
