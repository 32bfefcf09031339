#include "attn/audio/wav_list.h"

#include "attn/error.h"

namespace attn::audio {

namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<WavEntry> parse_wav_list_line(std::string_view line) {
  line = trim(line);
  if (line.empty()) return std::nullopt;
  WavEntry e;
  size_t split = line.find('\t');
  if (split == std::string_view::npos) split = line.find(' ');
  if (split == std::string_view::npos) {
    e.utt = e.path = std::string(line);
  } else {
    e.utt = std::string(line.substr(0, split));
    e.path = std::string(trim(line.substr(split + 1)));
  }
  if (!e.path.empty() && e.path.back() == '|')
    throw Error("piped commands are not supported; give the audio file's path");
  if (e.path.empty()) throw Error("no path after the utterance id");
  if (e.path == "-") throw Error("'-' cannot name a recording here; give the audio file's path");
  return e;
}

}  // namespace attn::audio
