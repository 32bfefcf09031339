#pragma once
// Kaldi's feature and post-processing options as its programs take them (compute-mfcc-feats,
// compute-fbank-feats, add-deltas, compute-vad, apply-cmvn), each declared once
// (attn/declared_option.h) with Kaldi's flag name, the field it sets, its help and the feature
// kinds that have it. The tools make flags of the list, and train's settings from a saved
// model's pipeline (KaldiOptions::of), so no option is named twice.
#include <optional>
#include <string>

#include "attn/audio/pipeline.h"
#include "attn/declared_option.h"

namespace attn::audio {

// How recordings are read (--channel, --no-resample) and who speaks them (--utt2spk): chosen
// per run, never stored in a model.
struct ReadingOptions {
  ReadOptions read;
  bool no_resample = false;
  std::string utt2spk;

  // `p`, reading its files this way.
  PipelineOptions applied_to(PipelineOptions p) const;
};

// The options as the flags hold them, before they are PipelineOptions.
struct KaldiOptions {
  PipelineOptions pipeline;  // most options set its fields as they are
  std::string window_type = "povey";
  bool deltas = false;        // of order pipeline.deltas.order; 0 there: Kaldi's 2
  ReadingOptions reading;

  explicit KaldiOptions(FeatureKind kind = FeatureKind::Mfcc);
  // The options `p` was made with (train --init's settings from a saved model).
  static KaldiOptions of(const PipelineOptions& p);
  // Features of `kind` (train's --features), with its Kaldi default for --use-energy unless
  // that was given.
  void set_kind(FeatureKind kind, bool energy_given);
  // The pipeline they describe; attn::Error naming the option for values that cannot work.
  PipelineOptions resolve() const;
};

// The feature options, then the post-processing ones, in the order --help lists them. `only`: the
// options of one kind (mfcc: --num-ceps, --cepstral-lifter; fbank: --use-log-fbank, --use-power);
// none: all of them. --delta-order and the VAD thresholds are fixed only when their step is on.
template <class Visit>
void for_each_kaldi_option(KaldiOptions& k, std::optional<FeatureKind> only, Visit&& visit) {
  FeatureOptions& o = k.pipeline.features;
  FrameOptions& f = o.frame;
  const auto feature = [](std::string name, auto& value, std::string help) {
    return declare(std::move(name), value, std::move(help)).in_group("Kaldi feature options");
  };
  visit(feature("sample-frequency", f.sample_frequency, "Sample rate (Hz) the features are computed at; other rates are resampled"));
  visit(feature("frame-length", f.frame_length_ms, "Frame length (ms)"));
  visit(feature("frame-shift", f.frame_shift_ms, "Frame shift (ms)"));
  visit(feature("dither", f.dither, "Gaussian dither (int16 scale); 0 = off (Kaldi's default is 1); seeded by --seed"));
  visit(feature("preemphasis-coefficient", f.preemphasis_coefficient, "Pre-emphasis coefficient"));
  visit(feature("remove-dc-offset", f.remove_dc_offset, "Subtract each frame's mean"));
  visit(feature("window-type", k.window_type, "Window: povey, hamming, hanning, rectangular, blackman")
            .one_of(window_type_names()));
  visit(feature("blackman-coeff", f.blackman_coeff, "Blackman window coefficient"));
  visit(feature("round-to-power-of-two", f.round_to_power_of_two, "Zero-pad frames to a power of two for the FFT"));
  visit(feature("snip-edges", f.snip_edges,
                "Only frames that fit in the audio (true), or frames centred every shift with reflected edges (false)"));
  visit(feature("num-mel-bins", o.mel.num_bins, "Mel filters"));
  visit(feature("low-freq", o.mel.low_freq, "Lowest mel filter edge (Hz)"));
  visit(feature("high-freq", o.mel.high_freq, "Highest mel filter edge (Hz); <= 0: offset from Nyquist"));
  if (only != FeatureKind::Fbank) {
    visit(feature("num-ceps", o.num_ceps, "Cepstral coefficients (including C0)"));
    visit(feature("cepstral-lifter", o.cepstral_lifter, "Lifter coefficient; 0 = no liftering"));
  }
  if (only != FeatureKind::Mfcc) {
    visit(feature("use-log-fbank", o.use_log_fbank, "Log of the filter energies"));
    visit(feature("use-power", o.use_power, "Power spectrum (true) or magnitude (false)"));
  }
  visit(feature("use-energy", o.use_energy,
                !only ? "mfcc: log energy instead of C0 (default true); fbank: an extra first feature (default false)"
                : only == FeatureKind::Mfcc ? "Log energy instead of C0"
                                            : "Add log energy as an extra first feature"));
  visit(feature("raw-energy", o.raw_energy, "Energy before pre-emphasis and windowing"));
  visit(feature("energy-floor", o.energy_floor, "Floor on the energy (not log); 0 = none"));
  visit(feature("htk-compat", o.htk_compat, "HTK order: energy or C0 last (C0 scaled by sqrt 2)"));

  const auto post = [](std::string name, auto& value, std::string help) {
    return declare(std::move(name), value, std::move(help))
        .in_group("Post-processing (add-deltas, compute-vad + select-voiced-frames, apply-cmvn)");
  };
  PipelineOptions& p = k.pipeline;
  VadOptions& v = p.vad;
  visit(post("deltas", k.deltas, "Append deltas (add-deltas)"));
  visit(post("delta-order", p.deltas.order, "Delta order with --deltas (2: 13 -> 39)").range(1, 4).fixed_if(k.deltas));
  visit(post("delta-window", p.deltas.window, "Delta window with --deltas").range(1, 100));
  visit(post("cmvn", p.cmvn, "Mean normalisation (apply-cmvn): none, per utterance, or per speaker (needs --utt2spk)")
            .named(cmvn_modes()));
  visit(post("norm-vars", p.norm_vars, "With --cmvn utt or spk, also scale to unit variance"));
  visit(post("vad", v.enabled,
             "Keep only the voiced frames (Kaldi compute-vad on the log energy in column 0), after deltas and before CMVN"));
  visit(post("vad-energy-threshold", v.energy_threshold, "With --vad: log-energy threshold, added to the mean scale's share")
            .fixed_if(v.enabled));
  visit(post("vad-energy-mean-scale", v.energy_mean_scale,
             "With --vad: this times the utterance's mean log energy is added to the threshold")
            .fixed_if(v.enabled));
  visit(post("vad-frames-context", v.frames_context, "With --vad: frames either side that vote on a frame").fixed_if(v.enabled));
  visit(post("vad-proportion-threshold", v.proportion_threshold,
             "With --vad: share of the voting frames that must be above the threshold")
            .fixed_if(v.enabled));
}

// --channel, --no-resample and --utt2spk (not fixed: a model does not keep them).
template <class Visit>
void for_each_reading_option(ReadingOptions& r, Visit&& visit) {
  visit(declare("channel", r.read.channel, "Channel to use (0 = first); -1 averages all channels").range(-1, 1023).fixed_if(false));
  visit(declare("no-resample", r.no_resample,
                "Refuse audio whose sample rate is not --sample-frequency (default: resample with libsamplerate)")
            .fixed_if(false));
  visit(declare("utt2spk", r.utt2spk,
                "Kaldi utt2spk for --cmvn spk models and features: 'utt speaker' per line, utt the wav.scp id or "
                "else the recording's path as messages name it. A speaker's statistics come from its recordings "
                "in this run, so give each speaker's recordings together, not one at a time")
            .shown_as("FILE")
            .fixed_if(false));
}

}  // namespace attn::audio
