#pragma once
// Kaldi's feature options (compute-mfcc-feats / compute-fbank-feats), with Kaldi's names and
// defaults except dither, which is 0 here so that output is deterministic.
//
// Samples are on Kaldi's int16 scale: a full-scale sine has amplitude 32768 whatever the file's
// format (torchaudio.load gives [-1, 1); multiply by 32768 before comparing with torchaudio).
#include <cstdint>
#include <string>
#include <vector>

namespace attn::audio {

enum class WindowType { Povey, Hamming, Hanning, Rectangular, Blackman };
const char* window_type_name(WindowType w);         // "povey"
WindowType parse_window_type(const std::string& s);  // throws attn::Error
std::vector<std::string> window_type_names();       // in enum order

// Framing and per-frame processing (Kaldi FrameExtractionOptions).
struct FrameOptions {
  float sample_frequency = 16000.0f;  // Hz
  float frame_shift_ms = 10.0f;
  float frame_length_ms = 25.0f;
  float dither = 0.0f;  // Kaldi: 1.0; here 0 (deterministic). Seeded when non-zero.
  float preemphasis_coefficient = 0.97f;
  bool remove_dc_offset = true;
  WindowType window_type = WindowType::Povey;
  bool round_to_power_of_two = true;
  float blackman_coeff = 0.42f;
  bool snip_edges = true;

  int window_shift() const;   // samples
  int window_size() const;    // samples
  int padded_window_size() const;  // FFT length
};

// The mel filter bank (Kaldi MelBanksOptions, without VTLN).
struct MelOptions {
  int num_bins = 23;      // Kaldi: 23 for both mfcc and fbank
  float low_freq = 20.0f;
  float high_freq = 0.0f;  // <= 0: offset from the Nyquist frequency
};

enum class FeatureKind { Mfcc, Fbank };
const char* feature_kind_name(FeatureKind k);  // "mfcc", "fbank"

// Everything that decides the features of one frame.
struct FeatureOptions {
  FeatureKind kind = FeatureKind::Mfcc;
  FrameOptions frame;
  MelOptions mel;
  // mfcc
  int num_ceps = 13;
  float cepstral_lifter = 22.0f;
  // both
  bool use_energy = true;  // Kaldi mfcc default true; fbank default false
  bool raw_energy = true;
  float energy_floor = 0.0f;
  bool htk_compat = false;
  // fbank
  bool use_log_fbank = true;
  bool use_power = true;

  // Features per frame: num_ceps for mfcc; num_bins (+1 with energy) for fbank.
  int dim() const;
  // Throws attn::Error naming the option when a value cannot work (e.g. num_ceps > num_bins,
  // a frame shorter than 2 samples, high_freq beyond Nyquist).
  void validate() const;
};

// Kaldi's defaults for each kind (fbank: use_energy false).
FeatureOptions default_feature_options(FeatureKind kind);

// JSON object with every option (stored in models). from_json checks names and types and
// throws attn::Error naming the bad field.
std::string feature_options_to_json(const FeatureOptions& o);
FeatureOptions feature_options_from_json(const std::string& json);

}  // namespace attn::audio
