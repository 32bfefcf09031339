#pragma once
// The recordings a batch command reads, in order: paths from the command line, and for "-" or
// --wav-scp, lines of a list ("utt<TAB>path", "utt path" or a bare path, Kaldi's wav.scp form).
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <variant>
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
  // From here on every utterance and list error next() gives is kept, and rewind(), once next()
  // has returned false, starts over with them: a second pass over a list that can be read once
  // (stdin), for statistics that need every recording first (per-speaker CMVN).
  void remember() { remembering_ = true; }
  void rewind() { replayed_ = 0; }

 private:
  bool read_next(Utterance& u);
  std::vector<std::variant<Utterance, std::exception_ptr>> kept_;
  bool remembering_ = false;
  std::optional<size_t> replayed_;  // set: replaying kept_ from this position
  std::vector<std::string> args_, lists_;
  std::FILE* stdin_stream_;
  size_t next_arg_ = 0, next_list_ = 0;
  std::optional<data::LineReader> list_;
};

// The loop of the batch commands over items that next(item) gives until it returns false: each
// that is `mine(index)` (by 0-based input position) goes to use(item), in input order; a bad
// list line (item "") or a bad item (its `where`) goes to on_bad_item (data::run_item), and the
// loop carries on. Items not mine are not read here (a --cmvn spk statistics pass before the
// loop reads them all).
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
