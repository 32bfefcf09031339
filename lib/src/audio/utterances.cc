#include "attn/audio/utterances.h"

#include "attn/error.h"

namespace attn::audio {

Utterances::Utterances(std::vector<std::string> args, std::vector<std::string> lists, std::FILE* stdin_stream)
    : args_(std::move(args)), lists_(std::move(lists)), stdin_stream_(stdin_stream) {}

bool Utterances::next(Utterance& u) {
  if (replayed_) {
    if (*replayed_ == kept_.size()) return false;
    const auto& kept = kept_[(*replayed_)++];
    if (const auto* error = std::get_if<std::exception_ptr>(&kept)) std::rethrow_exception(*error);
    u = std::get<Utterance>(kept);
    return true;
  }
  if (!remembering_) return read_next(u);
  try {
    if (!read_next(u)) return false;
    kept_.push_back(u);
    return true;
  } catch (const Error&) {
    kept_.push_back(std::current_exception());
    throw;
  }
}

bool Utterances::read_next(Utterance& u) {
  for (;;) {
    if (list_) {
      std::string line;
      if (list_->next(line)) {
        try {
          auto e = parse_wav_list_line(line);
          if (!e) continue;
          u.entry = std::move(*e);
        } catch (const Error& err) {
          throw Error(list_->where() + ": " + err.what());
        }
        u.where = list_->where();
        return true;
      }
      list_.reset();
    }
    if (next_arg_ < args_.size()) {
      const std::string& a = args_[next_arg_++];
      if (a == "-") {
        if (stdin_stream_)
          list_.emplace(stdin_stream_, "stdin", data::kMaxPathListLineBytes);
        else
          list_.emplace("-", data::kMaxPathListLineBytes);
        continue;
      }
      u.entry = {a, a};
      u.where = a;
      return true;
    }
    if (next_list_ < lists_.size()) {
      list_.emplace(lists_[next_list_++], data::kMaxPathListLineBytes);
      continue;
    }
    return false;
  }
}

}  // namespace attn::audio
