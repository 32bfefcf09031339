#include "attn/audio/pipeline.h"

#include <algorithm>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "attn/error.h"

namespace attn::audio {

const std::vector<std::pair<std::string, CmvnMode>>& cmvn_modes() {
  static const std::vector<std::pair<std::string, CmvnMode>> modes = {
      {"none", CmvnMode::None}, {"utt", CmvnMode::Utterance}, {"spk", CmvnMode::Speaker}};
  return modes;
}

const std::string& cmvn_mode_name(CmvnMode m) {
  for (const auto& [name, mode] : cmvn_modes())
    if (mode == m) return name;
  return cmvn_modes().front().first;  // not reached: every mode is listed
}

void PipelineOptions::validate() const {
  features.validate();
  if (norm_vars && cmvn == CmvnMode::None) throw Error("--norm-vars needs --cmvn utt or spk");
  if (cmvn == CmvnMode::Speaker && utt2spk.empty())
    throw Error("--cmvn spk needs --utt2spk FILE (Kaldi's utt2spk: 'utt speaker' per line)");
  if (cmvn != CmvnMode::Speaker && !utt2spk.empty()) throw Error("--utt2spk is only used with --cmvn spk");
  if (vad.enabled) {
    if (features.htk_compat || (features.kind == FeatureKind::Fbank && !features.use_energy))
      throw Error("--vad reads the log energy in column 0: it needs mfcc, or fbank with --use-energy, without --htk-compat");
    vad.validate();
  }
}

FrameStream::FrameStream(const FeatureComputer& computer, uint64_t dither_seed)
    : computer_(computer), dither_(dither_seed), frame_(computer.options().frame.window_size()) {}

void FrameStream::emit(int64_t frame, std::vector<float>& out) {
  const FrameOptions& o = computer_.options().frame;
  const int64_t start = first_sample_of_frame(frame, o);
  const int len = o.window_size();
  for (int i = 0; i < len; ++i) {
    int64_t s = start + i;
    while (s < 0 || s >= received_) s = s < 0 ? -s - 1 : 2 * received_ - 1 - s;  // reflection
    frame_[i] = buffer_[s - begin_];
  }
  const int dim = computer_.dim();
  out.resize(out.size() + dim);
  computer_.compute_frame(frame_.data(), out.data() + out.size() - dim, scratch_, &dither_);
  ++emitted_;
}

void FrameStream::push(const float* samples, int64_t n, std::vector<float>& out) {
  const FrameOptions& o = computer_.options().frame;
  buffer_.insert(buffer_.end(), samples, samples + n);
  received_ += n;
  const int len = o.window_size();
  // A frame is complete when its last sample has arrived (and the count with this many samples
  // already includes it: the count only grows, so it is final).
  while (emitted_ < num_frames(received_, o) && first_sample_of_frame(emitted_, o) + len <= received_)
    emit(emitted_, out);
  const int64_t keep_from = std::max<int64_t>(0, first_sample_of_frame(emitted_, o));
  if (keep_from - begin_ > 1 << 16) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + (keep_from - begin_));
    begin_ = keep_from;
  }
}

void FrameStream::finish(std::vector<float>& out) {
  const int64_t total = num_frames(received_, computer_.options().frame);
  while (emitted_ < total) emit(emitted_, out);
}

namespace {

// Frames -> deltas -> voiced frames (with a VAD threshold) -> sink, optionally CMVN'd with given
// stats.
class Stage {
 public:
  Stage(const PipelineOptions& o, int dim, const FrameSink& sink, const CmvnStats* cmvn,
        std::optional<float> vad_threshold)
      : deltas_(dim, o.deltas), sink_(sink), cmvn_(cmvn), norm_vars_(o.norm_vars) {
    if (vad_threshold) vad_.emplace(deltas_.out_dim(), o.vad, *vad_threshold);
  }
  void push(std::vector<float>& frames, int dim) {
    if (frames.empty()) return;
    out_.clear();
    deltas_.push(frames.data(), int64_t(frames.size()) / dim, out_);
    frames.clear();
    select();
  }
  void finish() {
    out_.clear();
    deltas_.finish(out_);
    select();
    if (!vad_) return;
    out_.clear();
    vad_->finish(out_);
    flush();
  }
  int64_t frames() const { return frames_; }

 private:
  void select() {
    if (vad_ && !out_.empty()) {
      voiced_.clear();
      vad_->push(out_.data(), int64_t(out_.size()) / deltas_.out_dim(), voiced_);
      out_.swap(voiced_);
    }
    flush();
  }
  void flush() {
    if (out_.empty()) return;
    const int64_t n = int64_t(out_.size()) / deltas_.out_dim();
    if (cmvn_) cmvn_->apply(out_.data(), n, norm_vars_);
    sink_(out_.data(), n);
    frames_ += n;
  }
  DeltaStream deltas_;
  std::optional<VadStream> vad_;
  const FrameSink& sink_;
  const CmvnStats* cmvn_;
  bool norm_vars_;
  std::vector<float> out_, voiced_;
  int64_t frames_ = 0;
};

// The utterance-level steps on a whole utterance: VAD, then CMVN over the frames kept.
void finish_utterance(Tensor& feats, const PipelineOptions& o) {
  if (o.vad.enabled) feats = select_voiced_frames(feats, o.vad);
  if (o.cmvn == CmvnMode::Utterance) apply_cmvn(feats, o.norm_vars);
}

Tensor rows_tensor(const std::vector<float>& rows, int dim) {
  Tensor out({int64_t(rows.size()) / dim, int64_t(dim)});
  std::copy(rows.begin(), rows.end(), out.data());
  return out;
}

AudioOptions audio_options(const PipelineOptions& o) {
  AudioOptions a = o.audio;
  a.sample_frequency = o.features.frame.sample_frequency;
  return a;
}

void check_frames(const std::string& name, const FrameStream& frames, const FeatureOptions& o) {
  if (frames.samples() == 0) throw Error(fmt::format("{}: no audio samples", name));
  if (frames.frames() == 0)
    throw Error(fmt::format("{}: audio shorter than one frame ({} samples; a frame is {} samples)", name,
                            frames.samples(), o.frame.window_size()));
}

// One pass over the stream through frames and deltas into sink.
void run(AudioStream& stream, const FeatureComputer& computer, const PipelineOptions& o,
         const FrameSink& sink, const CmvnStats* cmvn, std::optional<float> vad_threshold = std::nullopt) {
  FrameStream frames(computer, o.dither_seed);
  Stage stage(o, computer.dim(), sink, cmvn, vad_threshold);
  std::vector<float> block, rows;
  while (stream.next(block)) {
    frames.push(block.data(), int64_t(block.size()), rows);
    stage.push(rows, computer.dim());
  }
  frames.finish(rows);
  check_frames(stream.name(), frames, o.features);
  stage.push(rows, computer.dim());
  stage.finish();
}

}  // namespace

void compute_file_features(const std::string& path, const PipelineOptions& options, const FrameSink& sink) {
  const FeatureComputer computer(options.features, options.mel_warp);
  if (options.cmvn != CmvnMode::Utterance && !options.vad.enabled) {
    AudioStream stream(path, audio_options(options));
    run(stream, computer, options, sink, nullptr);
    return;
  }
  // Per-utterance CMVN and VAD need the whole utterance's statistics first: one pass to count,
  // one to apply (VAD: one more, for the voiced frames' CMVN statistics), so memory stays
  // bounded. The first pass keeps the frames while they are few, so a short file (under about a
  // minute) is read once.
  constexpr size_t kKeepFloats = size_t{256} << 10;  // 1 MiB
  const int dim = options.dim();
  CmvnStats stats(dim);
  double sum_log_energy = 0.0;
  std::vector<float> kept;
  bool all_kept = true;
  {
    AudioStream stream(path, audio_options(options));
    run(stream, computer, options, [&](const float* rows, int64_t n) {
      stats.accumulate(rows, n);
      for (int64_t t = 0; t < n; ++t) sum_log_energy += rows[t * dim];
      if (all_kept && kept.size() + size_t(n) * dim <= kKeepFloats) {
        kept.insert(kept.end(), rows, rows + n * dim);
      } else if (all_kept) {
        all_kept = false;
        std::vector<float>().swap(kept);
      }
    }, nullptr);
  }
  if (all_kept) {
    Tensor feats = rows_tensor(kept, dim);
    finish_utterance(feats, options);
    sink(feats.data(), feats.dim(0));
    return;
  }
  std::optional<float> threshold;
  if (options.vad.enabled) {
    threshold = vad_threshold(options.vad, sum_log_energy, stats.count());
    CmvnStats voiced(dim);
    AudioStream stream(path, audio_options(options));
    run(stream, computer, options, [&](const float* rows, int64_t n) { voiced.accumulate(rows, n); }, nullptr, threshold);
    if (voiced.count() == 0) threshold = -std::numeric_limits<float>::infinity();  // none voiced: keep all, as select_voiced_frames does
    else stats = voiced;
  }
  AudioStream stream(path, audio_options(options));
  run(stream, computer, options, sink, options.cmvn == CmvnMode::Utterance ? &stats : nullptr, threshold);
}

void compute_reader_features(AudioReader reader, const PipelineOptions& options, const FrameSink& sink) {
  const FeatureComputer computer(options.features, options.mel_warp);
  AudioStream stream(std::move(reader), audio_options(options));
  std::vector<float> all;
  run(stream, computer, options, [&](const float* rows, int64_t n) { all.insert(all.end(), rows, rows + n * options.dim()); }, nullptr);
  Tensor feats = rows_tensor(all, options.dim());
  finish_utterance(feats, options);
  sink(feats.data(), feats.dim(0));
}

Tensor compute_file_features(const std::string& path, const PipelineOptions& options) {
  std::vector<float> all;
  const int dim = options.dim();
  PipelineOptions once = options;
  once.cmvn = CmvnMode::None;  // VAD and CMVN are applied below on the kept frames, without a second read
  once.vad.enabled = false;
  compute_file_features(path, once, [&](const float* rows, int64_t n) { all.insert(all.end(), rows, rows + n * dim); });
  Tensor out = rows_tensor(all, dim);
  finish_utterance(out, options);
  return out;
}

Tensor compute_wave_features(const std::vector<float>& wave, const PipelineOptions& options,
                             const std::string& name) {
  const FeatureComputer computer(options.features, options.mel_warp);
  FrameStream frames(computer, options.dither_seed);
  std::vector<float> rows, all;
  frames.push(wave.data(), int64_t(wave.size()), rows);
  frames.finish(rows);
  check_frames(name, frames, options.features);
  const int dim = options.dim();
  FrameSink sink = [&](const float* r, int64_t n) { all.insert(all.end(), r, r + n * dim); };
  Stage stage(options, computer.dim(), sink, nullptr, std::nullopt);
  stage.push(rows, computer.dim());
  stage.finish();
  Tensor out = rows_tensor(all, dim);
  finish_utterance(out, options);
  return out;
}

}  // namespace attn::audio
