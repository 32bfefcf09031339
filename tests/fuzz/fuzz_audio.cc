// Audio and list inputs: libsndfile behind attn's reader (any container, NaN/Inf, channel
// choice, length limit) through the whole MFCC pipeline, the wav.scp and utt2spk list-line
// parsers, and the Kaldi archive reader (text or binary entries) over the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "attn/audio/feature_io.h"
#include "attn/audio/pipeline.h"
#include "attn/audio/reader.h"
#include "attn/audio/speaker_cmvn.h"
#include "attn/audio/wav_list.h"
#include "fuzz_support.h"

namespace {

void fuzz_audio(std::string_view bytes, uint8_t settings) {
  using namespace attn::audio;
  ReadOptions r;
  r.channel = int(settings & 3) - 1;  // -1 (mean), 0, 1, 2
  r.max_seconds = 60.0;
  AudioReader reader = AudioReader::from_memory(bytes.data(), bytes.size(), "fuzz.wav", r);
  PipelineOptions p;
  p.features.frame.sample_frequency = (settings & 4) ? 8000.0f : 16000.0f;
  p.features.frame.snip_edges = settings & 8;
  p.deltas.order = (settings >> 4) & 3;
  p.cmvn = (settings & 64) ? CmvnMode::Utterance : CmvnMode::None;
  int64_t frames = 0;
  compute_reader_features(std::move(reader), p, [&](const float*, int64_t n) { frames += n; });
  attn::fuzz::require(frames > 0);
}

void fuzz_lists(std::string_view bytes) {
  size_t start = 0;
  while (start <= bytes.size()) {  // every line through the wav.scp parser
    size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    attn::fuzz::reject_cleanly([&] {
      const auto e = attn::audio::parse_wav_list_line(bytes.substr(start, end - start));
      if (e) attn::fuzz::require(!e->utt.empty() && !e->path.empty());
    });
    attn::fuzz::reject_cleanly([&] {
      const auto e = attn::audio::parse_utt2spk_line(bytes.substr(start, end - start));
      if (e) attn::fuzz::require(!e->first.empty() && !e->second.empty());
    });
    start = end + 1;
  }
  std::string copy(bytes);
  std::FILE* f = fmemopen(copy.data(), copy.size(), "rb");
  if (!f) return;
  attn::audio::ArchiveLimits limits;
  limits.max_rows = 1 << 16;
  limits.max_dim = 1024;
  attn::fuzz::reject_cleanly([&] {
    attn::audio::ArchiveReader reader(f, "fuzz.ark", limits);
    std::string utt;
    while (reader.next(utt)) {
      std::vector<float> rows;
      while (reader.read_rows(rows, 100) > 0) {
      }
      attn::fuzz::require(reader.dim() == 0 || rows.size() % size_t(reader.dim()) == 0);
    }
  });
  std::fclose(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  attn::fuzz::Bytes in(data, size);
  const uint8_t settings = in.take();
  const std::string_view rest = in.rest();
  if (settings & 0x80) {
    fuzz_lists(rest);
  } else {
    attn::fuzz::reject_cleanly([&] { fuzz_audio(rest, settings); });
  }
  return 0;
}
