#pragma once
// The recordings a batch command reads, in order: paths from the command line, and for "-" or
// --wav-scp, lines of a list ("utt<TAB>path", "utt path" or a bare path, Kaldi's wav.scp form).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attn/audio/wav_list.h"
#include "attn/data/input.h"
#include "attn/data/labelled_files.h"

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

// The loop of the batch commands over items that next(item) gives until it returns false: each
// that is `mine(index)` (by 0-based input position) goes to use(item), in input order; a bad
// list line (item "") or a bad item (its `where`) goes to on_bad_item (data::run_item), and the
// loop carries on. Items not mine are not read.
template <class Item, class Next, class Mine, class Use>
void each_item(Next&& next, Mine&& mine, const data::BadItemHandler& on_bad_item, Use&& use) {
  for (int64_t index = 0;; ++index) {
    Item item;
    bool more = true;
    if (!data::run_item("", on_bad_item, [&] { more = next(item); })) continue;
    if (!more) return;
    if (!mine(index)) continue;
    data::run_item(item.where, on_bad_item, [&] { use(item); });
  }
}

}  // namespace attn::audio
