#include "attn/audio/kaldi_options.h"

namespace attn::audio {

PipelineOptions ReadingOptions::applied_to(PipelineOptions p) const {
  p.audio.read = read;
  p.audio.resample = !no_resample;
  p.utt2spk = utt2spk;
  return p;
}

KaldiOptions::KaldiOptions(FeatureKind kind) { pipeline.features = default_feature_options(kind); }

KaldiOptions KaldiOptions::of(const PipelineOptions& p) {
  KaldiOptions k;
  k.pipeline = p;
  k.window_type = window_type_name(p.features.frame.window_type);
  k.deltas = p.deltas.order > 0;
  return k;
}

void KaldiOptions::set_kind(FeatureKind kind, bool energy_given) {
  pipeline.features.kind = kind;
  if (!energy_given) pipeline.features.use_energy = default_feature_options(kind).use_energy;
}

PipelineOptions KaldiOptions::resolve() const {
  PipelineOptions p = reading.applied_to(pipeline);
  // --delta-order's 0 means it was not given (its range starts at 1).
  p.deltas.order = !deltas ? 0 : p.deltas.order > 0 ? p.deltas.order : 2;
  p.features.frame.window_type = parse_window_type(window_type);
  p.validate();
  return p;
}

}  // namespace attn::audio
