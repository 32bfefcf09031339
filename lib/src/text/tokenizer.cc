#include "attn/text/tokenizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "attn/error.h"
#include "attn/layers/hashed_embedding.h"
#include "attn/text/utf8.h"
#include "attn/text/words.h"
#include "tokenizer_json.h"

namespace attn::text {
namespace {

constexpr int kFormatVersion = 1;
constexpr std::string_view kFormatTag = "attn.tokenizer";

// The words encode() keeps for one text: at most max_len - (add_cls ? 1 : 0) of them.
std::vector<std::string> kept_words(std::string_view text, const TokenizerConfig& config, bool add_cls) {
  const std::size_t budget = static_cast<std::size_t>(config.max_len - (add_cls ? 1 : 0));
  if (config.truncation == Truncation::kHead) return split_words(text, config, budget);
  std::vector<std::string> all = split_words(text, config);
  if (all.size() <= budget) return all;
  const std::size_t head = (budget + 1) / 2, tail = budget - head;
  std::move(all.end() - static_cast<std::ptrdiff_t>(tail), all.end(),
            all.begin() + static_cast<std::ptrdiff_t>(head));
  all.resize(budget);
  return all;
}

bool is_special(std::string_view w) { return w == kPadToken || w == kUnkToken || w == kClsToken; }

}  // namespace

void append_ngram_ids(std::string_view word, const TokenizerConfig& config, std::vector<int32_t>& out) {
  if (config.ngram_max == 0 || config.buckets == 0 || word.empty()) return;
  std::string bounded;
  bounded.reserve(word.size() + 2);
  bounded.push_back('<');
  bounded.append(word);
  bounded.push_back('>');
  // Byte offset of every code point start (plus the end), so n-grams are sliced on code points.
  std::vector<std::size_t> starts;
  starts.reserve(bounded.size() + 1);
  for (std::size_t pos = 0; pos < bounded.size();) {
    starts.push_back(pos);
    next_code_point(bounded, pos);
  }
  const std::size_t n_cp = starts.size();
  starts.push_back(bounded.size());
  const auto buckets = static_cast<uint32_t>(config.buckets);
  for (std::size_t i = 0; i < n_cp; ++i) {
    for (int n = config.ngram_min; n <= config.ngram_max && i + n <= n_cp; ++n) {
      const std::string_view gram(bounded.data() + starts[i], starts[i + n] - starts[i]);
      out.push_back(static_cast<int32_t>(HashedEmbedding::hash_bytes(gram) % buckets));
    }
  }
}

Tokenizer::Tokenizer(const TokenizerConfig& config, std::vector<std::string> words) : config_(config) {
  validate(config_);
  id_to_word_.reserve(words.size() + kFirstWordId);
  id_to_word_.emplace_back(kPadToken);
  id_to_word_.emplace_back(kUnkToken);
  id_to_word_.emplace_back(kClsToken);
  word_to_id_.reserve(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string& w = words[i];
    const std::size_t id = i + kFirstWordId;
    if (w.empty()) throw Error(fmt::format("tokenizer: vocab[{}]: empty word", id));
    if (is_special(w)) throw Error(fmt::format("tokenizer: vocab[{}]: \"{}\" is a special token", id, w));
    if (id > static_cast<std::size_t>(INT32_MAX)) throw Error("tokenizer: vocabulary too large");
    if (!word_to_id_.emplace(w, static_cast<int32_t>(id)).second)
      throw Error(fmt::format("tokenizer: vocab[{}]: duplicate word \"{}\"", id, w));
    id_to_word_.push_back(std::move(w));
  }
}

int32_t Tokenizer::word_id(std::string_view word) const {
  const auto it = word_to_id_.find(word);
  return it == word_to_id_.end() ? kUnkId : it->second;
}

const std::string& Tokenizer::word(int32_t id) const {
  if (id < 0 || id >= vocab_size()) throw std::out_of_range(fmt::format("token id {} out of range", id));
  return id_to_word_[static_cast<std::size_t>(id)];
}

TokenizedText Tokenizer::encode(std::string_view text, bool add_cls, bool keep_surface) const {
  std::vector<std::string> words = kept_words(text, config_, add_cls);
  TokenizedText out;
  const std::size_t T = words.size() + (add_cls ? 1 : 0);
  out.word_ids.reserve(T);
  out.ngram_offsets.reserve(T + 1);
  out.ngram_offsets.push_back(0);
  if (keep_surface) out.surface.reserve(T);
  if (add_cls) {
    out.word_ids.push_back(kClsId);
    out.ngram_offsets.push_back(0);
    if (keep_surface) out.surface.emplace_back(kClsToken);
  }
  for (std::string& w : words) {
    out.word_ids.push_back(word_id(w));
    append_ngram_ids(w, config_, out.ngram_ids);
    out.ngram_offsets.push_back(static_cast<int64_t>(out.ngram_ids.size()));
    if (keep_surface) out.surface.push_back(std::move(w));
  }
  return out;
}

std::string Tokenizer::to_json() const {
  nlohmann::json j;
  j["format"] = kFormatTag;
  j["version"] = kFormatVersion;
  j["config"] = detail::config_to_json(config_);
  j["vocab"] = id_to_word_;
  // Replace (never throw on) invalid UTF-8; words come from split_words, so they are valid anyway.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Tokenizer Tokenizer::from_json(std::string_view json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("tokenizer: not valid JSON (error at byte {})", e.byte));
  }
  if (!j.is_object()) throw Error("tokenizer: expected a JSON object");
  const auto field = [&](const char* name) -> const nlohmann::json& {
    const auto it = j.find(name);
    if (it == j.end()) throw Error(fmt::format("tokenizer: missing field \"{}\"", name));
    return *it;
  };
  const auto& format = field("format");
  if (!format.is_string() || format.get<std::string>() != kFormatTag)
    throw Error(fmt::format("tokenizer: field \"format\" must be \"{}\"", kFormatTag));
  const auto& version = field("version");
  if (!version.is_number_integer() || version.get<int64_t>() != kFormatVersion)
    throw Error(fmt::format("tokenizer: field \"version\" must be {} (file written by a different attn?)",
                            kFormatVersion));
  const TokenizerConfig config = detail::config_from_json(field("config"), "tokenizer: config");
  const auto& vocab = field("vocab");
  if (!vocab.is_array()) throw Error("tokenizer: field \"vocab\" must be an array of strings");
  if (vocab.size() < static_cast<std::size_t>(kFirstWordId))
    throw Error("tokenizer: field \"vocab\" lacks the special tokens [PAD], [UNK], [CLS]");
  const std::string_view specials[] = {kPadToken, kUnkToken, kClsToken};
  for (int i = 0; i < kFirstWordId; ++i)
    if (!vocab[i].is_string() || vocab[i].get<std::string>() != specials[i])
      throw Error(fmt::format("tokenizer: vocab[{}] must be \"{}\"", i, specials[i]));
  std::vector<std::string> words;
  words.reserve(vocab.size() - kFirstWordId);
  for (std::size_t i = kFirstWordId; i < vocab.size(); ++i) {
    if (!vocab[i].is_string()) throw Error(fmt::format("tokenizer: vocab[{}] is not a string", i));
    words.push_back(vocab[i].get<std::string>());
  }
  return Tokenizer(config, std::move(words));
}

VocabBuilder::VocabBuilder(const TokenizerConfig& config) : config_(config) { validate(config_); }

void VocabBuilder::add(std::string_view text, bool add_cls) {
  for (std::string& w : kept_words(text, config_, add_cls)) {
    const auto it = counts_.find(w);
    if (it != counts_.end()) ++it->second;
    else counts_.emplace(std::move(w), 1);
  }
}

Tokenizer VocabBuilder::build() const {
  std::vector<std::pair<int64_t, std::string_view>> kept;
  for (const auto& [word, count] : counts_)
    if (count >= config_.min_count) kept.emplace_back(count, word);
  const auto order = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  std::size_t n = kept.size();
  if (config_.max_words > 0 && n > static_cast<std::size_t>(config_.max_words)) {
    n = static_cast<std::size_t>(config_.max_words);
    std::partial_sort(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(n), kept.end(), order);
  } else {
    std::sort(kept.begin(), kept.end(), order);
  }
  std::vector<std::string> words;
  words.reserve(n);
  for (std::size_t i = 0; i < n; ++i) words.emplace_back(kept[i].second);
  return Tokenizer(config_, std::move(words));
}

Tokenizer with_max_len(const Tokenizer& tokenizer, int max_len) {
  TokenizerConfig config = tokenizer.config();
  config.max_len = max_len;
  std::vector<std::string> words;
  for (int32_t id = kFirstWordId; id < tokenizer.vocab_size(); ++id) words.push_back(tokenizer.word(id));
  return Tokenizer(config, std::move(words));
}

}  // namespace attn::text
