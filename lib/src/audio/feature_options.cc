#include "attn/audio/feature_options.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "attn/error.h"

namespace attn::audio {

namespace {

constexpr struct {
  WindowType type;
  const char* name;
} kWindows[] = {{WindowType::Povey, "povey"},
                {WindowType::Hamming, "hamming"},
                {WindowType::Hanning, "hanning"},
                {WindowType::Rectangular, "rectangular"},
                {WindowType::Blackman, "blackman"}};

int round_up_to_power_of_two(int n) {
  int p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

const char* window_type_name(WindowType w) {
  for (const auto& e : kWindows)
    if (e.type == w) return e.name;
  return "?";
}

WindowType parse_window_type(const std::string& s) {
  for (const auto& e : kWindows)
    if (s == e.name) return e.type;
  throw Error(fmt::format("unknown window type '{}' (expected povey, hamming, hanning, rectangular or blackman)", s));
}

std::vector<std::string> window_type_names() {
  std::vector<std::string> names;
  for (const auto& e : kWindows) names.push_back(e.name);
  return names;
}

const char* feature_kind_name(FeatureKind k) { return k == FeatureKind::Mfcc ? "mfcc" : "fbank"; }

// Kaldi truncates (int cast) the products to whole samples.
int FrameOptions::window_shift() const { return int(double(sample_frequency) * 0.001 * frame_shift_ms); }
int FrameOptions::window_size() const { return int(double(sample_frequency) * 0.001 * frame_length_ms); }
int FrameOptions::padded_window_size() const {
  return round_to_power_of_two ? round_up_to_power_of_two(window_size()) : window_size();
}

int FeatureOptions::dim() const {
  if (kind == FeatureKind::Mfcc) return num_ceps;
  return mel.num_bins + (use_energy ? 1 : 0);
}

void FeatureOptions::validate() const {
  const FrameOptions& f = frame;
  auto bad = [](const std::string& what) { throw Error("bad feature options: " + what); };
  if (!(f.sample_frequency >= 100.0f && f.sample_frequency <= 1e6f))
    bad(fmt::format("--sample-frequency {} (expected 100 to 1000000 Hz)", f.sample_frequency));
  if (!(f.frame_length_ms > 0.0f) || f.window_size() < 2 || f.window_size() > 1 << 16)
    bad(fmt::format("--frame-length {} ms gives {} samples (expected 2 to 65536)", f.frame_length_ms, f.window_size()));
  if (!(f.frame_shift_ms > 0.0f) || f.window_shift() < 1)
    bad(fmt::format("--frame-shift {} ms is less than one sample", f.frame_shift_ms));
  if (!std::isfinite(f.dither) || f.dither < 0.0f) bad(fmt::format("--dither {}", f.dither));
  if (!(f.preemphasis_coefficient >= 0.0f && f.preemphasis_coefficient <= 1.0f))
    bad(fmt::format("--preemphasis-coefficient {} (expected 0 to 1)", f.preemphasis_coefficient));
  if (mel.num_bins < 3 || mel.num_bins > 1024) bad(fmt::format("--num-mel-bins {} (expected 3 to 1024)", mel.num_bins));
  const float nyquist = 0.5f * f.sample_frequency;
  const float high = mel.high_freq > 0 ? mel.high_freq : nyquist + mel.high_freq;
  if (!(mel.low_freq >= 0.0f && mel.low_freq < nyquist) || !(high > mel.low_freq && high <= nyquist))
    bad(fmt::format("--low-freq {} and --high-freq {} (expected 0 <= low < high <= Nyquist {})",
                    mel.low_freq, mel.high_freq, nyquist));
  if (kind == FeatureKind::Mfcc) {
    if (num_ceps < 1 || num_ceps > mel.num_bins)
      bad(fmt::format("--num-ceps {} (expected 1 to --num-mel-bins {})", num_ceps, mel.num_bins));
    if (!std::isfinite(cepstral_lifter) || cepstral_lifter < 0.0f) bad(fmt::format("--cepstral-lifter {}", cepstral_lifter));
  }
  if (!std::isfinite(energy_floor) || energy_floor < 0.0f) bad(fmt::format("--energy-floor {}", energy_floor));
}

FeatureOptions default_feature_options(FeatureKind kind) {
  FeatureOptions o;
  o.kind = kind;
  o.use_energy = kind == FeatureKind::Mfcc;
  return o;
}

std::string feature_options_to_json(const FeatureOptions& o) {
  nlohmann::ordered_json j = {
      {"kind", feature_kind_name(o.kind)},
      {"sample_frequency", o.frame.sample_frequency},
      {"frame_shift", o.frame.frame_shift_ms},
      {"frame_length", o.frame.frame_length_ms},
      {"dither", o.frame.dither},
      {"preemphasis_coefficient", o.frame.preemphasis_coefficient},
      {"remove_dc_offset", o.frame.remove_dc_offset},
      {"window_type", window_type_name(o.frame.window_type)},
      {"round_to_power_of_two", o.frame.round_to_power_of_two},
      {"blackman_coeff", o.frame.blackman_coeff},
      {"snip_edges", o.frame.snip_edges},
      {"num_mel_bins", o.mel.num_bins},
      {"low_freq", o.mel.low_freq},
      {"high_freq", o.mel.high_freq},
      {"num_ceps", o.num_ceps},
      {"cepstral_lifter", o.cepstral_lifter},
      {"use_energy", o.use_energy},
      {"raw_energy", o.raw_energy},
      {"energy_floor", o.energy_floor},
      {"htk_compat", o.htk_compat},
      {"use_log_fbank", o.use_log_fbank},
      {"use_power", o.use_power}};
  return j.dump();
}

FeatureOptions feature_options_from_json(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) throw Error("feature options: not a JSON object");
  FeatureOptions o;
  auto get = [&](const char* key, auto& field) {
    auto it = j.find(key);
    if (it == j.end()) throw Error(fmt::format("feature options: missing field '{}'", key));
    using T = std::decay_t<decltype(field)>;
    if constexpr (std::is_same_v<T, bool>) {
      if (!it->is_boolean()) throw Error(fmt::format("feature options: field '{}' is not a boolean", key));
    } else if (!it->is_number()) {
      throw Error(fmt::format("feature options: field '{}' is not a number", key));
    }
    field = it->get<T>();
  };
  std::string kind, window;
  auto get_string = [&](const char* key, std::string& field) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) throw Error(fmt::format("feature options: field '{}' is not a string", key));
    field = it->get<std::string>();
  };
  get_string("kind", kind);
  if (kind != "mfcc" && kind != "fbank") throw Error("feature options: field 'kind' is not mfcc or fbank");
  o.kind = kind == "mfcc" ? FeatureKind::Mfcc : FeatureKind::Fbank;
  get_string("window_type", window);
  o.frame.window_type = parse_window_type(window);
  get("sample_frequency", o.frame.sample_frequency);
  get("frame_shift", o.frame.frame_shift_ms);
  get("frame_length", o.frame.frame_length_ms);
  get("dither", o.frame.dither);
  get("preemphasis_coefficient", o.frame.preemphasis_coefficient);
  get("remove_dc_offset", o.frame.remove_dc_offset);
  get("round_to_power_of_two", o.frame.round_to_power_of_two);
  get("blackman_coeff", o.frame.blackman_coeff);
  get("snip_edges", o.frame.snip_edges);
  get("num_mel_bins", o.mel.num_bins);
  get("low_freq", o.mel.low_freq);
  get("high_freq", o.mel.high_freq);
  get("num_ceps", o.num_ceps);
  get("cepstral_lifter", o.cepstral_lifter);
  get("use_energy", o.use_energy);
  get("raw_energy", o.raw_energy);
  get("energy_floor", o.energy_floor);
  get("htk_compat", o.htk_compat);
  get("use_log_fbank", o.use_log_fbank);
  get("use_power", o.use_power);
  o.validate();
  return o;
}

}  // namespace attn::audio
