#include "attn/audio/encode_stream.h"

#include <algorithm>

namespace attn::audio {

EncodeStream::EncodeStream(const SpeechClassifier& model, Sink sink, int64_t chunk)
    : model_(model),
      sink_(std::move(sink)),
      chunk_(std::max<int64_t>(chunk, 1)),
      context_(int64_t(model.config().layers) * model.config().window + model.config().conv_pos / 2) {}

void EncodeStream::push(const float* frames, int64_t n) {
  const SpeechModelConfig& c = model_.config();
  while (n > 0) {
    // At most one chunk's input at a time, so even a whole utterance pushed at once is encoded
    // with a buffer of a few chunks.
    const int64_t take = std::min(n, chunk_ * c.subsample);
    buffer_.insert(buffer_.end(), frames, frames + take * c.input_dim);
    received_ += take;
    frames += take * c.input_dim;
    n -= take;
    // Model frame u reads input frames up to u * subsample + stack - 1: a chunk ending at `end`
    // can go once the input of its right context (model frames up to end + context - 1) is here.
    for (;;) {
      const int64_t end = emitted_ + chunk_, hi = end + context_;
      if ((hi - 1) * c.subsample + c.stack > received_) break;
      encode_chunk(end, hi);
    }
  }
}

void EncodeStream::finish() {
  const int64_t U = model_frames(received_, model_.config().subsample);
  while (emitted_ < U) {
    const int64_t end = std::min(U, emitted_ + chunk_);
    encode_chunk(end, std::min(U, end + context_));
  }
}

void EncodeStream::encode_chunk(int64_t end, int64_t hi) {
  const SpeechModelConfig& c = model_.config();
  const int F = c.input_dim, C = c.dim;
  const int64_t lo = std::max<int64_t>(0, emitted_ - context_), n = hi - lo;
  const int64_t rows = received_ - first_ * c.subsample;  // buffered input frames
  stacked_.resize({n, int64_t(c.stack) * F});  // stacked: (n, S)
  // Past the last buffered frame only at the utterance's end, where the last frame repeats.
  stack_frames(buffer_.data(), rows, F, c.stack, c.subsample, lo - first_, n, stacked_.data());
  h_.resize({n, int64_t(C)});  // h: (n, C)
  model_.encode_frames(stacked_.data(), n, h_.data());
  sink_(h_.data() + (emitted_ - lo) * C, end - emitted_);
  emitted_ = end;
  // The next chunk's left context starts context_ model frames back: older input is not needed.
  const int64_t keep = std::max<int64_t>(0, emitted_ - context_);
  const int64_t drop = std::min(rows, (keep - first_) * c.subsample);
  if (drop > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + drop * F);
    first_ = keep;
  }
}

}  // namespace attn::audio
