#pragma once
// Reading audio through libsndfile (WAV, FLAC, OGG/Vorbis, AIFF, ...; 8/16/24/32-bit PCM and
// float), in blocks, as mono samples on Kaldi's int16 scale (full scale = 32768 whatever the
// file's format). Multi-channel audio is averaged, or one channel is taken.
//
// Errors are attn::Error naming the file: not audio or a format libsndfile cannot read, a
// truncated header, a channel the file lacks, NaN or Inf samples (float formats), a file longer
// than the limit.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace attn::audio {

struct ReadOptions {
  int channel = -1;              // -1: mean of all channels; otherwise 0-based channel index
  double max_seconds = 86400.0;  // longer files are refused (24 hours)
};

class AudioReader {
 public:
  AudioReader(const std::string& path, const ReadOptions& options = {});
  // Reads `size` bytes at `data` (must outlive the reader); `name` is used in messages.
  static AudioReader from_memory(const void* data, size_t size, const std::string& name,
                                 const ReadOptions& options = {});
  ~AudioReader();
  AudioReader(AudioReader&&) noexcept;
  AudioReader& operator=(AudioReader&&) noexcept;

  const std::string& name() const;
  int sample_rate() const;
  int channels() const;
  int64_t frames() const;  // samples per channel, as the header says

  // Reads up to `max` mono samples into out; returns how many (0 at the end of the file).
  int64_t read(float* out, int64_t max);

 private:
  struct Impl;
  explicit AudioReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Changes the sample rate with libsamplerate (sinc interpolation), block by block.
class Resampler {
 public:
  Resampler(double from_hz, double to_hz);
  ~Resampler();
  Resampler(Resampler&&) noexcept;
  Resampler& operator=(Resampler&&) noexcept;
  // Resamples in (n) and appends the output to out; `last` flushes the filter's tail.
  void process(const float* in, int64_t n, bool last, std::vector<float>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A whole waveform resampled by the factor to_hz / from_hz (speed perturbation, short clips).
std::vector<float> resample(const std::vector<float>& wave, double from_hz, double to_hz);

struct AudioOptions {
  ReadOptions read;
  double sample_frequency = 16000.0;  // the rate the samples are delivered at
  bool resample = true;               // false: a file at another rate is an error
};

// An audio file's samples at the requested rate, block by block (bounded memory).
class AudioStream {
 public:
  AudioStream(const std::string& path, const AudioOptions& options);
  explicit AudioStream(AudioReader reader, const AudioOptions& options);
  // The next block (replaces `out`); false at the end.
  bool next(std::vector<float>& out);
  const std::string& name() const { return reader_.name(); }

 private:
  AudioReader reader_;
  std::unique_ptr<Resampler> resampler_;  // null when the rates agree
  std::vector<float> block_;
  bool done_ = false;
};

// The whole file at the requested rate; refuses more than max_seconds of audio.
std::vector<float> read_audio(const std::string& path, const AudioOptions& options);

}  // namespace attn::audio
