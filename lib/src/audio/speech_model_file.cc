#include "attn/audio/speech_model_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "attn/error.h"
#include "attn/model_file.h"

namespace attn::audio {

namespace {

using nlohmann::json;

json postprocess_json(const PipelineOptions& p) {
  const VadOptions& v = p.vad;
  return {{"delta_order", p.deltas.order},
          {"delta_window", p.deltas.window},
          {"vad", {{"enabled", v.enabled}, {"energy_threshold", v.energy_threshold},
                   {"energy_mean_scale", v.energy_mean_scale}, {"frames_context", v.frames_context},
                   {"proportion_threshold", v.proportion_threshold}}},
          {"cmvn", cmvn_mode_name(p.cmvn)},
          {"norm_vars", p.norm_vars}};
}

// Models saved before VAD existed have no "vad": off.
VadOptions vad_from(const ConfigReader& post) {
  VadOptions v;
  if (!post.has("vad")) return v;
  const ConfigReader r = post.object("vad");
  v.enabled = r.boolean("enabled");
  v.energy_threshold = float(r.number("energy_threshold", -1e4, 1e4));
  v.energy_mean_scale = float(r.number("energy_mean_scale", 0.0, 10.0));
  v.frames_context = int(r.integer("frames_context", 0, 1000));
  v.proportion_threshold = float(r.number("proportion_threshold", 1e-6, 1.0 - 1e-6));
  return v;
}

PipelineOptions pipeline_from(const ConfigReader& config) {
  PipelineOptions p;
  const ConfigReader features = config.object("features");
  try {
    p.features = feature_options_from_json(features.value().dump());
  } catch (const Error& e) {
    throw Error(fmt::format("attn.config: {}", e.what()));
  }
  const ConfigReader post = config.object("postprocess");
  p.deltas.order = int(post.integer("delta_order", 0, 4));
  p.deltas.window = int(post.integer("delta_window", 1, 100));
  p.cmvn = post.choice<CmvnMode>("cmvn", cmvn_modes());
  p.norm_vars = post.boolean("norm_vars");
  p.vad = vad_from(post);
  return p;
}

std::vector<float> mel_warps_from(const ConfigReader& inference) {
  const json& w = inference.value().at("mel_warps");
  if (!w.is_array() || w.size() > kMaxMelWarps)
    throw Error(fmt::format("{}: not an array of up to {} numbers", inference.path("mel_warps"), kMaxMelWarps));
  std::vector<float> warps;
  for (const json& v : w) {
    if (!v.is_number() || !(v.get<double>() >= kMinMelWarp && v.get<double>() <= kMaxMelWarp))
      throw Error(fmt::format("{}: {} is not a number in [{}, {}]", inference.path("mel_warps"), v.dump(), kMinMelWarp, kMaxMelWarp));
    warps.push_back(v.get<float>());
  }
  return warps;
}

SpeechModelConfig model_config_from(const ConfigReader& m) {
  SpeechModelConfig c;
  c.input_dim = int(m.integer("input_dim", 1, 4096));
  c.stack = int(m.integer("stack", 1, 32));
  c.subsample = int(m.integer("subsample", 1, 32));
  if (m.has("conv_pos")) c.conv_pos = int(m.integer("conv_pos", 0, 63));  // models before it: none
  c.dim = int(m.integer("dim", 4, 4096));
  c.layers = int(m.integer("layers", 0, 64));
  c.heads = int(m.integer("heads", 1, 256));
  c.ff_dim = int(m.integer("ff_dim", 1, 65536));
  c.window = int(m.integer("window", 1, 100000));
  c.dropout = float(m.number("dropout", 0.0, 0.99));
  c.num_labels = int(m.integer("num_labels", 1, 100000));
  // Models saved before "pool" existed pooled by the mean.
  if (m.has("pool"))
    c.pool = m.choice<PoolKind>("pool", {{"mean", PoolKind::Mean}, {"max", PoolKind::Max}, {"mean-max", PoolKind::MeanMax}});
  c.validate();
  return c;
}

}  // namespace

SpeechModel new_speech_model(SpeechModelConfig config, std::vector<std::string> labels,
                             const PipelineOptions& features, std::vector<float> mel_warps, Rng& rng) {
  config.input_dim = features.dim();
  config.num_labels = int(labels.size());
  SpeechModel model{std::make_unique<SpeechClassifier>(config), std::move(labels), features, std::move(mel_warps)};
  model.classifier->init(rng);
  return model;
}

void check_mel_warp_count(const std::vector<float>& warps) {
  if (warps.size() > kMaxMelWarps) throw Error(fmt::format("{} test warps: at most {}", warps.size(), kMaxMelWarps));
}

std::string pipeline_to_json(const PipelineOptions& p) {
  return json{{"features", json::parse(feature_options_to_json(p.features))}, {"postprocess", postprocess_json(p)}}.dump();
}

void save_speech_model(const std::string& path, SpeechModel& model,
                       const std::map<std::string, std::string>& extra_metadata, DType storage) {
  json config = json::parse(pipeline_to_json(model.features));
  config["model"] = json::parse(speech_config_to_json(model.classifier->config()));
  config["inference"] = {{"mel_warps", model.mel_warps}};
  const ModelHeader h{std::string(kSpeechTask), std::string(kSpeechFormatVersion), config, model.labels,
                      extra_metadata};
  save_model(path, h, model.classifier->parameters(), storage);
}

SpeechModel load_speech_model(const SafeTensorsFile& file, const ReadingOptions& reading) {
  const ModelHeader header = read_model_header(file, kSpeechTask, kSpeechFormatVersion);
  return with_file_name(file, [&] {
    const ConfigReader config(header.config, "attn.config");
    SpeechModel m;
    m.features = reading.applied_to(pipeline_from(config));
    const SpeechModelConfig mc = model_config_from(config.object("model"));
    if (mc.input_dim != m.features.dim())
      throw Error(fmt::format("attn.config: model.input_dim {} differs from the features' dimension {}", mc.input_dim,
                              m.features.dim()));
    if (config.has("inference")) m.mel_warps = mel_warps_from(config.object("inference"));  // older models: none
    m.labels = header.labels;
    if (int(m.labels.size()) != mc.num_labels)
      throw Error(fmt::format("attn.labels: {} labels but model.num_labels is {}", m.labels.size(), mc.num_labels));
    // The config must describe exactly the file's tensors before anything is allocated from it.
    check_parameter_shapes(file, SpeechClassifier::parameter_shapes(mc));
    m.classifier = std::make_unique<SpeechClassifier>(mc);
    load_parameters(file, m.classifier->parameters());
    return m;
  });
}

void check_ensemble_member(const SpeechModel& first, const SpeechModel& member) {
  if (member.labels != first.labels)
    throw Error(fmt::format("its labels [{}] differ from the first model's [{}]", fmt::join(member.labels, ","),
                            fmt::join(first.labels, ",")));
  const json a = json::parse(pipeline_to_json(first.features)).flatten();
  const json b = json::parse(pipeline_to_json(member.features)).flatten();
  for (const auto& [key, value] : a.items())
    if (!b.contains(key) || b[key] != value)
      throw Error(fmt::format("its feature option {} is {}, the first model's {}", key,
                              b.contains(key) ? b[key].dump() : "missing", value.dump()));
}

}  // namespace attn::audio
