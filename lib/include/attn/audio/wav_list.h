#pragma once
// Lists of audio files: Kaldi's wav.scp ("utt-id path", without piped commands) and plain paths.
#include <optional>
#include <string>
#include <string_view>

namespace attn::audio {

struct WavEntry {
  std::string utt;   // the Kaldi key; a bare path is its own key
  std::string path;
};

// One list line. "utt<TAB>path" and "utt path" (first whitespace) name a key; a line without
// whitespace is a path and its own key. Blank lines give nullopt. Throws attn::Error (without a
// file name; the caller adds "list:line") for a piped command ("... |"), a missing path, and
// "-" (stdin cannot be a recording here).
std::optional<WavEntry> parse_wav_list_line(std::string_view line);

}  // namespace attn::audio
