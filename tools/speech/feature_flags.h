#pragma once
// Kaldi's feature options as flags, with Kaldi's names (compute-mfcc-feats, add-deltas,
// apply-cmvn), registered on a subcommand and turned into attn::audio::PipelineOptions.
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "attn/audio/feature_output.h"
#include "attn/audio/pipeline.h"
#include "common/settings_table.h"

namespace attn::tools::speech {

struct FeatureFlags {
  audio::PipelineOptions pipeline;
  std::string kind;  // train: --features mfcc|fbank; empty where the command fixes it
  CLI::Option* use_energy = nullptr;
  std::string window_type = "povey";
  std::string cmvn = "none";
  bool deltas = false;
  bool no_resample = false;
};

// The framing, mel, mfcc-or-fbank, energy, delta and CMVN flags, plus --channel and
// --no-resample. `kind` decides which of --num-ceps/--cepstral-lifter (mfcc) or
// --use-log-fbank/--use-power (fbank) exist and the --use-energy default; without a kind
// (train) all exist and --features mfcc|fbank chooses.
void add_feature_flags(CLI::App& cmd, FeatureFlags& flags, std::optional<audio::FeatureKind> kind);
// Only the audio-reading flags (--channel, --no-resample, --sample-frequency when `with_rate`).
void add_audio_flags(CLI::App& cmd, FeatureFlags& flags);

// --format, -o/--output and --scp of the commands that write features (mfcc, fbank, encode).
struct FeatureOutputFlags {
  std::string format = "text";
  std::string output = "-";
  std::string scp;
};
void add_feature_output_flags(CLI::App& cmd, FeatureOutputFlags& flags);
// The output they name (attn/audio/feature_output.h); UsageError for flags that do not go together.
std::unique_ptr<audio::FeatureOutput> open_feature_output(const FeatureOutputFlags& flags);

// The options the flags describe; throws attn::tools::UsageError for values that cannot work.
audio::PipelineOptions resolve(const FeatureFlags& flags);

// The feature options as train's settings, all fixed by --init; the line shows only the kind
// and the feature dimension ("features mfcc x 39").
void add_feature_settings(SettingsTable& settings, const audio::PipelineOptions& p);

}  // namespace attn::tools::speech
