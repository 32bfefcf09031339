#include "attn/audio/speaker_cmvn.h"

#include <fmt/format.h>

#include "attn/data/input.h"
#include "attn/error.h"

namespace attn::audio {

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The next whitespace-separated field of `s`, removed from it.
std::string_view take_field(std::string_view& s) {
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  size_t end = 0;
  while (end < s.size() && !space(s[end])) ++end;
  std::string_view field = s.substr(0, end);
  s.remove_prefix(end);
  return field;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> parse_utt2spk_line(std::string_view line) {
  const std::string_view utt = take_field(line);
  if (utt.empty()) return std::nullopt;
  const std::string_view speaker = take_field(line);
  if (speaker.empty()) throw Error(fmt::format("utterance '{}' has no speaker (expected 'utt speaker')", utt));
  if (!take_field(line).empty()) throw Error("more than two fields (expected 'utt speaker')");
  return std::pair{std::string(utt), std::string(speaker)};
}

SpeakerCmvn::SpeakerCmvn(const std::string& utt2spk, int dim, bool norm_vars)
    : file_(utt2spk), dim_(dim), norm_vars_(norm_vars) {
  if (utt2spk.empty()) throw Error("per-speaker CMVN (--cmvn spk) needs --utt2spk FILE ('utt speaker' per line)");
  data::LineReader reader(utt2spk, data::kMaxPathListLineBytes);
  std::string line;
  while (reader.next(line)) {
    try {
      auto entry = parse_utt2spk_line(line);
      if (!entry) continue;
      if (!speaker_of_.emplace(entry->first, entry->second).second)
        throw Error(fmt::format("utterance '{}' is listed twice", entry->first));
    } catch (const Error& e) {
      throw Error(reader.where() + ": " + e.what());
    }
  }
  if (speaker_of_.empty()) throw Error(utt2spk + ": no utterances");
}

const std::string& SpeakerCmvn::speaker(const std::string& utt) const {
  const auto it = speaker_of_.find(utt);
  if (it == speaker_of_.end()) throw Error(fmt::format("'{}' is not in --utt2spk {}", utt, file_));
  return it->second;
}

void SpeakerCmvn::accumulate(const std::string& utt, const float* rows, int64_t n) {
  const auto it = speaker_of_.find(utt);
  if (it == speaker_of_.end()) return;
  stats_.try_emplace(it->second, dim_).first->second.accumulate(rows, n);
}

void SpeakerCmvn::apply(const std::string& utt, float* rows, int64_t n) const {
  const std::string& spk = speaker(utt);
  const auto it = stats_.find(spk);
  // Only when every recording of the speaker failed to give features, and then this one did.
  if (it == stats_.end()) throw Error(fmt::format("no statistics for speaker '{}'", spk));
  it->second.apply(rows, n, norm_vars_);
}

FrameSink SpeakerCmvn::applying(const std::string& utt, const FrameSink& sink) const {
  speaker(utt);  // a missing speaker fails before any frame is computed
  return [this, utt, &sink, rows = std::vector<float>()](const float* in, int64_t n) mutable {
    rows.assign(in, in + n * dim_);
    apply(utt, rows.data(), n);
    sink(rows.data(), n);
  };
}

std::optional<SpeakerCmvn> speaker_statistics(Utterances& recordings, const PipelineOptions& p) {
  if (p.cmvn != CmvnMode::Speaker) return std::nullopt;
  std::optional<SpeakerCmvn> cmvn(std::in_place, p.utt2spk, p.dim(), p.norm_vars);
  recordings.remember();
  for (bool more = true; more;) {
    try {
      Utterance u;
      more = recordings.next(u);
      if (more) compute_file_features(u.entry.path, p, [&](const float* rows, int64_t n) { cmvn->accumulate(u.entry.utt, rows, n); });
    } catch (const Error&) {
    }
  }
  recordings.rewind();
  return cmvn;
}

}  // namespace attn::audio
