#include "attn/audio/reader.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <samplerate.h>
#include <sndfile.h>

#include "attn/error.h"

namespace attn::audio {

namespace {

constexpr int64_t kBlockFrames = 1 << 14;  // per read: bounded whatever the file's length
constexpr float kInt16Scale = 32768.0f;

// libsndfile's virtual I/O over a byte range in memory.
struct MemoryFile {
  const unsigned char* data;
  sf_count_t size;
  sf_count_t pos = 0;
};
sf_count_t mem_length(void* p) { return static_cast<MemoryFile*>(p)->size; }
sf_count_t mem_seek(sf_count_t offset, int whence, void* p) {
  auto* m = static_cast<MemoryFile*>(p);
  sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->size;
  sf_count_t to = base + offset;
  if (to < 0 || to > m->size) return -1;
  return m->pos = to;
}
sf_count_t mem_read(void* dst, sf_count_t n, void* p) {
  auto* m = static_cast<MemoryFile*>(p);
  n = std::min(n, m->size - m->pos);
  if (n <= 0) return 0;
  std::memcpy(dst, m->data + m->pos, size_t(n));
  m->pos += n;
  return n;
}
sf_count_t mem_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t mem_tell(void* p) { return static_cast<MemoryFile*>(p)->pos; }

bool is_float_format(int format) {
  const int sub = format & SF_FORMAT_SUBMASK;
  return sub == SF_FORMAT_FLOAT || sub == SF_FORMAT_DOUBLE || sub == SF_FORMAT_VORBIS ||
         sub == SF_FORMAT_OPUS;
}

}  // namespace

struct AudioReader::Impl {
  std::string name;
  ReadOptions options;
  SF_INFO info{};
  SNDFILE* file = nullptr;
  std::unique_ptr<MemoryFile> memory;
  SF_VIRTUAL_IO vio{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  std::vector<float> interleaved;
  int64_t position = 0;  // frames read so far
  bool check_finite = false;

  ~Impl() {
    if (file) sf_close(file);
  }

  void opened() {
    if (!file) {
      throw Error(fmt::format("{}: not an audio file libsndfile can read ({})", name,
                              sf_strerror(nullptr)));
    }
    if (info.channels < 1 || info.samplerate < 1)
      throw Error(fmt::format("{}: bad header ({} channels, {} Hz)", name, info.channels, info.samplerate));
    if (options.channel >= info.channels)
      throw Error(fmt::format("{}: no channel {} (the file has {}; channels count from 0)", name,
                              options.channel, info.channels));
    if (info.frames < 0 || double(info.frames) > options.max_seconds * info.samplerate)
      throw Error(fmt::format("{}: longer than the limit of {} s", name, options.max_seconds));
    // Integer formats are read normalised to [-1, 1); scale them back to the int16 range.
    sf_command(file, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    check_finite = is_float_format(info.format);
  }
};

AudioReader::AudioReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AudioReader::AudioReader(const std::string& path, const ReadOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->name = path;
  impl_->options = options;
  impl_->file = sf_open(path.c_str(), SFM_READ, &impl_->info);
  if (!impl_->file) {
    std::FILE* probe = std::fopen(path.c_str(), "rb");
    if (!probe) throw Error(fmt::format("{}: {}", path, std::strerror(errno)));
    std::fclose(probe);
  }
  impl_->opened();
}

AudioReader AudioReader::from_memory(const void* data, size_t size, const std::string& name,
                                     const ReadOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->name = name;
  impl->options = options;
  impl->memory = std::make_unique<MemoryFile>(
      MemoryFile{static_cast<const unsigned char*>(data), sf_count_t(size)});
  impl->file = sf_open_virtual(&impl->vio, SFM_READ, &impl->info, impl->memory.get());
  impl->opened();
  return AudioReader(std::move(impl));
}

AudioReader::~AudioReader() = default;
AudioReader::AudioReader(AudioReader&&) noexcept = default;
AudioReader& AudioReader::operator=(AudioReader&&) noexcept = default;

const std::string& AudioReader::name() const { return impl_->name; }
int AudioReader::sample_rate() const { return impl_->info.samplerate; }
int AudioReader::channels() const { return impl_->info.channels; }
int64_t AudioReader::frames() const { return impl_->info.frames; }

int64_t AudioReader::read(float* out, int64_t max) {
  Impl& m = *impl_;
  const int ch = m.info.channels;
  const int64_t want = std::min(max, kBlockFrames);
  m.interleaved.resize(size_t(want) * ch);
  const sf_count_t got = sf_readf_float(m.file, m.interleaved.data(), want);
  if (got < 0) throw Error(fmt::format("{}: read error ({})", m.name, sf_strerror(m.file)));
  const float* x = m.interleaved.data();
  if (m.check_finite) {
    for (int64_t i = 0; i < int64_t(got) * ch; ++i) {
      if (!std::isfinite(x[i])) {
        throw Error(fmt::format("{}: NaN or Inf sample at {:.3f} s (sample {})", m.name,
                                double(m.position + i / ch) / m.info.samplerate, m.position + i / ch));
      }
    }
  }
  for (int64_t t = 0; t < got; ++t) {
    float v;
    if (m.options.channel >= 0) {
      v = x[t * ch + m.options.channel];
    } else {
      float sum = 0.0f;
      for (int c = 0; c < ch; ++c) sum += x[t * ch + c];
      v = sum / ch;
    }
    out[t] = v * kInt16Scale;
  }
  m.position += got;
  if (double(m.position) > m.options.max_seconds * m.info.samplerate)
    throw Error(fmt::format("{}: longer than the limit of {} s", m.name, m.options.max_seconds));
  return got;
}

struct Resampler::Impl {
  SRC_STATE* state = nullptr;
  double ratio = 1.0;
  std::vector<float> buffer;
  ~Impl() {
    if (state) src_delete(state);
  }
};

Resampler::Resampler(double from_hz, double to_hz) : impl_(std::make_unique<Impl>()) {
  int error = 0;
  impl_->ratio = to_hz / from_hz;
  if (!(impl_->ratio >= 1.0 / 256 && impl_->ratio <= 256))
    throw Error(fmt::format("cannot resample {} Hz to {} Hz (ratio beyond 256)", from_hz, to_hz));
  impl_->state = src_new(SRC_SINC_MEDIUM_QUALITY, 1, &error);
  if (!impl_->state) throw Error(fmt::format("libsamplerate: {}", src_strerror(error)));
}
Resampler::~Resampler() = default;
Resampler::Resampler(Resampler&&) noexcept = default;
Resampler& Resampler::operator=(Resampler&&) noexcept = default;

void Resampler::process(const float* in, int64_t n, bool last, std::vector<float>& out) {
  Impl& m = *impl_;
  m.buffer.resize(size_t(std::ceil(double(kBlockFrames) * m.ratio)) + 64);
  SRC_DATA d{};
  d.src_ratio = m.ratio;
  d.end_of_input = 0;
  for (;;) {  // feed everything, then (if last) drain the filter's tail
    d.data_in = in;
    d.input_frames = long(n);
    d.data_out = m.buffer.data();
    d.output_frames = long(m.buffer.size());
    d.end_of_input = last ? 1 : 0;
    if (int e = src_process(m.state, &d)) throw Error(fmt::format("libsamplerate: {}", src_strerror(e)));
    out.insert(out.end(), m.buffer.data(), m.buffer.data() + d.output_frames_gen);
    in += d.input_frames_used;
    n -= d.input_frames_used;
    if (n == 0 && (!last || d.output_frames_gen == 0)) break;
  }
}

std::vector<float> resample(const std::vector<float>& wave, double from_hz, double to_hz) {
  if (from_hz == to_hz) return wave;
  Resampler r(from_hz, to_hz);
  std::vector<float> out;
  out.reserve(size_t(double(wave.size()) * to_hz / from_hz) + 16);
  r.process(wave.data(), int64_t(wave.size()), true, out);
  return out;
}

AudioStream::AudioStream(const std::string& path, const AudioOptions& options)
    : AudioStream(AudioReader(path, options.read), options) {}

AudioStream::AudioStream(AudioReader reader, const AudioOptions& options) : reader_(std::move(reader)) {
  if (reader_.sample_rate() != options.sample_frequency) {
    if (!options.resample) {
      throw Error(fmt::format("{}: sample rate {} Hz differs from the expected {} Hz (resampling is off)",
                              reader_.name(), reader_.sample_rate(), options.sample_frequency));
    }
    resampler_ = std::make_unique<Resampler>(reader_.sample_rate(), options.sample_frequency);
  }
}

bool AudioStream::next(std::vector<float>& out) {
  out.clear();
  while (!done_ && out.empty()) {
    block_.resize(kBlockFrames);
    const int64_t got = reader_.read(block_.data(), kBlockFrames);
    if (got == 0) done_ = true;
    if (resampler_) {
      resampler_->process(block_.data(), got, done_, out);
    } else {
      out.assign(block_.begin(), block_.begin() + got);
    }
  }
  return !out.empty();
}

std::vector<float> read_audio(const std::string& path, const AudioOptions& options) {
  AudioStream stream(path, options);
  std::vector<float> wave, block;
  while (stream.next(block)) wave.insert(wave.end(), block.begin(), block.end());
  return wave;
}

}  // namespace attn::audio
