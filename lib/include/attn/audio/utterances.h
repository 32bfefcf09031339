#pragma once
// The recordings a batch command reads, in order: paths from the command line, and for "-" or
// --wav-scp, lines of a list ("utt<TAB>path", "utt path" or a bare path, Kaldi's wav.scp form).
#include <optional>
#include <string>
#include <vector>

#include "attn/audio/wav_list.h"
#include "attn/data/input.h"

namespace attn::audio {

struct Utterance {
  WavEntry entry;
  std::string where;  // what messages call it: the path, or "list:line"
};

class Utterances {
 public:
  // args: paths and "-" (a list on stdin, or on `stdin_stream` when given: stdin whose first
  // bytes were already looked at); lists: wav.scp files, read after the arguments.
  Utterances(std::vector<std::string> args, std::vector<std::string> lists, std::FILE* stdin_stream = nullptr);
  // The next utterance; false when all are done. A bad list line throws attn::Error naming
  // "list:line" (a --keep-going loop reports it and calls next again).
  bool next(Utterance& u);

 private:
  std::vector<std::string> args_, lists_;
  std::FILE* stdin_stream_;
  size_t next_arg_ = 0, next_list_ = 0;
  std::optional<data::LineReader> list_;
};

}  // namespace attn::audio
