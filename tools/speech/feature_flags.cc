#include "speech/feature_flags.h"

#include <stdexcept>

#include <fmt/format.h>

#include "attn/error.h"
#include "common/cli.h"
#include "common/run_guarded.h"

namespace attn::tools::speech {

void add_audio_flags(CLI::App& cmd, FeatureFlags& f) {
  audio::ReadOptions& r = f.pipeline.audio.read;
  cmd.add_option("--channel", r.channel, "Channel to use (0 = first); -1 averages all channels")
      ->check(CLI::Range(-1, 1023));
  cmd.add_flag("--no-resample", f.no_resample,
               "Refuse audio whose sample rate is not --sample-frequency (default: resample with libsamplerate)");
}

void add_feature_flags(CLI::App& cmd, FeatureFlags& f, std::optional<audio::FeatureKind> fixed) {
  audio::PipelineOptions& p = f.pipeline;
  const audio::FeatureKind kind = fixed.value_or(audio::FeatureKind::Mfcc);
  p.features = audio::default_feature_options(kind);
  if (!fixed) {
    f.kind = "mfcc";
    add_choice_option(cmd, "--features", f.kind, {"mfcc", "fbank"}, "Features the model reads");
  }
  audio::FeatureOptions& o = p.features;
  const std::string g = "Kaldi feature options";
  auto opt = [&](const std::string& name, auto& value, const std::string& help) {
    return cmd.add_option(name, value, help)->group(g);
  };
  // Flags take Kaldi's "--snip-edges=false" as well as "--snip-edges".
  auto flag = [&](const std::string& name, bool& value, const std::string& help) {
    return cmd.add_flag(name, value, help)->group(g);
  };
  opt("--sample-frequency", o.frame.sample_frequency, "Sample rate (Hz) the features are computed at; other rates are resampled");
  opt("--frame-length", o.frame.frame_length_ms, "Frame length (ms)");
  opt("--frame-shift", o.frame.frame_shift_ms, "Frame shift (ms)");
  opt("--dither", o.frame.dither, "Gaussian dither (int16 scale); 0 = off (Kaldi's default is 1); seeded by --seed");
  opt("--preemphasis-coefficient", o.frame.preemphasis_coefficient, "Pre-emphasis coefficient");
  flag("--remove-dc-offset", o.frame.remove_dc_offset, "Subtract each frame's mean");
  opt("--window-type", f.window_type, "Window: povey, hamming, hanning, rectangular, blackman")
      ->check(CLI::IsMember({"povey", "hamming", "hanning", "rectangular", "blackman"}));
  opt("--blackman-coeff", o.frame.blackman_coeff, "Blackman window coefficient");
  flag("--round-to-power-of-two", o.frame.round_to_power_of_two, "Zero-pad frames to a power of two for the FFT");
  flag("--snip-edges", o.frame.snip_edges,
       "Only frames that fit in the audio (true), or frames centred every shift with reflected edges (false)");
  opt("--num-mel-bins", o.mel.num_bins, "Mel filters");
  opt("--low-freq", o.mel.low_freq, "Lowest mel filter edge (Hz)");
  opt("--high-freq", o.mel.high_freq, "Highest mel filter edge (Hz); <= 0: offset from Nyquist");
  if (!fixed || kind == audio::FeatureKind::Mfcc) {
    opt("--num-ceps", o.num_ceps, "Cepstral coefficients (including C0)");
    opt("--cepstral-lifter", o.cepstral_lifter, "Lifter coefficient; 0 = no liftering");
  }
  if (!fixed || kind == audio::FeatureKind::Fbank) {
    flag("--use-log-fbank", o.use_log_fbank, "Log of the filter energies");
    flag("--use-power", o.use_power, "Power spectrum (true) or magnitude (false)");
  }
  f.use_energy = flag("--use-energy", o.use_energy,
                      !fixed ? "mfcc: log energy instead of C0 (default true); fbank: an extra first feature (default false)"
                      : kind == audio::FeatureKind::Mfcc ? "Log energy instead of C0"
                                                         : "Add log energy as an extra first feature");
  flag("--raw-energy", o.raw_energy, "Energy before pre-emphasis and windowing");
  opt("--energy-floor", o.energy_floor, "Floor on the energy (not log); 0 = none");
  flag("--htk-compat", o.htk_compat, "HTK order: energy or C0 last (C0 scaled by sqrt 2)");
  const std::string g2 = "Post-processing (add-deltas, compute-vad + select-voiced-frames, apply-cmvn)";
  cmd.add_flag("--deltas", f.deltas, "Append deltas (add-deltas)")->group(g2);
  cmd.add_option("--delta-order", p.deltas.order, "Delta order with --deltas (2: 13 -> 39)")->group(g2)->check(CLI::Range(1, 4));
  cmd.add_option("--delta-window", p.deltas.window, "Delta window with --deltas")->group(g2)->check(CLI::Range(1, 100));
  cmd.add_option("--cmvn", f.cmvn, "Mean normalisation: none, or utt (per utterance, apply-cmvn)")
      ->group(g2)
      ->check(CLI::IsMember({"none", "utt"}));
  cmd.add_flag("--norm-vars", p.norm_vars, "With --cmvn utt, also scale to unit variance")->group(g2);
  audio::VadOptions& v = p.vad;
  cmd.add_flag("--vad", v.enabled,
               "Keep only the voiced frames (Kaldi compute-vad on the log energy in column 0), after deltas and before CMVN")
      ->group(g2);
  cmd.add_option("--vad-energy-threshold", v.energy_threshold, "With --vad: log-energy threshold, added to the mean scale's share")->group(g2);
  cmd.add_option("--vad-energy-mean-scale", v.energy_mean_scale, "With --vad: this times the utterance's mean log energy is added to the threshold")->group(g2);
  cmd.add_option("--vad-frames-context", v.frames_context, "With --vad: frames either side that vote on a frame")->group(g2);
  cmd.add_option("--vad-proportion-threshold", v.proportion_threshold, "With --vad: share of the voting frames that must be above the threshold")->group(g2);
  p.deltas.order = 2;
  add_audio_flags(cmd, f);
}

audio::PipelineOptions resolve(const FeatureFlags& f) {
  audio::PipelineOptions p = f.pipeline;
  if (f.kind == "fbank") {
    p.features.kind = audio::FeatureKind::Fbank;
    if (f.use_energy && f.use_energy->count() == 0) p.features.use_energy = false;  // Kaldi's fbank default
  }
  if (!f.deltas) p.deltas.order = 0;
  p.cmvn = f.cmvn == "utt" ? audio::CmvnMode::Utterance : audio::CmvnMode::None;
  p.audio.resample = !f.no_resample;
  try {
    p.features.frame.window_type = audio::parse_window_type(f.window_type);
    p.validate();
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
  return p;
}

void add_feature_output_flags(CLI::App& cmd, FeatureOutputFlags& f) {
  add_choice_option(cmd, "--format", f.format, {"text", "ark", "jsonl", "npy"},
                    "text: Kaldi text archive (copy-feats ark,t:); ark: Kaldi binary archive; "
                    "jsonl: {\"id\",\"frames\"} per line; npy: one <utt>.npy per utterance in the -o folder");
  add_output_option(cmd, f.output, false, "Output file ('-': stdout), or the folder for --format npy");
  cmd.add_option("--scp", f.scp, "With --format ark: also write a Kaldi .scp index (utt ark:offset)")->type_name("PATH");
}

std::unique_ptr<audio::FeatureOutput> open_feature_output(const FeatureOutputFlags& f) {
  try {
    return std::make_unique<audio::FeatureOutput>(
        audio::FeatureOutputOptions{audio::parse_feature_format(f.format), f.output, f.scp});
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

void add_feature_settings(SettingsTable& s, const audio::PipelineOptions& p) {
  const audio::FeatureOptions& o = p.features;
  const audio::FrameOptions& f = o.frame;
  s.fix("features", o.kind == audio::FeatureKind::Fbank ? "fbank" : "mfcc").note(fmt::format("x {}", p.dim()));
  s.fix_quietly("sample-frequency", f.sample_frequency).fix_quietly("frame-length", f.frame_length_ms);
  s.fix_quietly("frame-shift", f.frame_shift_ms).fix_quietly("dither", f.dither);
  s.fix_quietly("preemphasis-coefficient", f.preemphasis_coefficient).fix_quietly("remove-dc-offset", f.remove_dc_offset);
  s.fix_quietly("window-type", audio::window_type_name(f.window_type)).fix_quietly("blackman-coeff", f.blackman_coeff);
  s.fix_quietly("round-to-power-of-two", f.round_to_power_of_two).fix_quietly("snip-edges", f.snip_edges);
  s.fix_quietly("num-mel-bins", o.mel.num_bins).fix_quietly("low-freq", o.mel.low_freq).fix_quietly("high-freq", o.mel.high_freq);
  s.fix_quietly("num-ceps", o.num_ceps).fix_quietly("cepstral-lifter", o.cepstral_lifter);
  s.fix_quietly("use-log-fbank", o.use_log_fbank).fix_quietly("use-power", o.use_power);
  s.fix_quietly("use-energy", o.use_energy).fix_quietly("raw-energy", o.raw_energy);
  s.fix_quietly("energy-floor", o.energy_floor).fix_quietly("htk-compat", o.htk_compat);
  s.fix_quietly("deltas", p.deltas.order > 0).fix_quietly("delta-window", p.deltas.window);
  s.fix_quietly("cmvn", p.cmvn == audio::CmvnMode::Utterance ? "utt" : "none").fix_quietly("norm-vars", p.norm_vars);
  s.fix_quietly("vad", p.vad.enabled);
  if (p.vad.enabled) {
    s.fix_quietly("vad-energy-threshold", p.vad.energy_threshold).fix_quietly("vad-energy-mean-scale", p.vad.energy_mean_scale);
    s.fix_quietly("vad-frames-context", p.vad.frames_context).fix_quietly("vad-proportion-threshold", p.vad.proportion_threshold);
  }
  // Without deltas the saved order is 0 and --delta-order (default 2) changes nothing.
  if (p.deltas.order > 0) s.fix_quietly("delta-order", p.deltas.order);
}

}  // namespace attn::tools::speech
