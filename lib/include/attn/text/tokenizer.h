#pragma once
// fastText-style tokenizer: every token has a word id (or [UNK]) plus the hashed bucket ids of
// its character n-grams, so unseen and misspelt words still get a meaningful vector.
//
// Ids: 0 [PAD], 1 [UNK], 2 [CLS] (fixed), then the vocabulary words from 3 on, most frequent
// first (ties: byte-wise ascending). N-gram ids are separate, in [0, buckets): the n-grams of a
// word w are the substrings of "<" + w + ">" with ngram_min..ngram_max code points (the whole
// "<w>" included when short enough), each hashed with 32-bit FNV-1a over its UTF-8 bytes
// (attn::HashedEmbedding::hash_bytes) modulo buckets. Special tokens have no n-grams.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "attn/text/tokenizer_config.h"

namespace attn::text {

inline constexpr int32_t kPadId = 0;
inline constexpr int32_t kUnkId = 1;
inline constexpr int32_t kClsId = 2;
inline constexpr int32_t kFirstWordId = 3;
inline constexpr std::string_view kPadToken = "[PAD]";
inline constexpr std::string_view kUnkToken = "[UNK]";
inline constexpr std::string_view kClsToken = "[CLS]";

// One text as the model sees it: T tokens, token t's n-gram buckets are
// ngram_ids[ngram_offsets[t] .. ngram_offsets[t+1]).
struct TokenizedText {
  std::vector<int32_t> word_ids;       // (T)
  std::vector<int64_t> ngram_offsets;  // (T+1), ngram_offsets[0] == 0
  std::vector<int32_t> ngram_ids;      // (ngram_offsets[T])
  std::vector<std::string> surface;    // (T) token strings, only if asked for ("[CLS]" first)
  std::size_t size() const { return word_ids.size(); }
};

// Hash buckets of the character n-grams of one word (appended to out, in order of start
// position, then length). Nothing when ngram_max == 0 or buckets == 0.
void append_ngram_ids(std::string_view word, const TokenizerConfig& config,
                      std::vector<int32_t>& out);

class Tokenizer {
 public:
  // Throws attn::Error if the config is out of range or the vocabulary has an empty word, a
  // duplicate, or a special token. `words` are the vocabulary in id order, without specials.
  Tokenizer(const TokenizerConfig& config, std::vector<std::string> words);

  const TokenizerConfig& config() const { return config_; }
  int32_t vocab_size() const { return static_cast<int32_t>(id_to_word_.size()); }  // incl. specials
  int32_t buckets() const { return config_.buckets; }
  int32_t word_id(std::string_view word) const;  // kUnkId when absent (word already normalised)
  const std::string& word(int32_t id) const;     // throws std::out_of_range

  // Splits (see words.h), truncates to config.max_len tokens (with [CLS] when add_cls) and
  // looks up ids and n-grams. keep_surface fills TokenizedText::surface (for --explain).
  TokenizedText encode(std::string_view text, bool add_cls = true, bool keep_surface = false) const;

  // The whole state (format tag, version, config, vocabulary in id order with specials) as one
  // JSON object, for the model file's metadata; from_json validates every field and throws
  // attn::Error naming it ("tokenizer: vocab[57]: duplicate word \"foo\"").
  std::string to_json() const;
  static Tokenizer from_json(std::string_view json);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  TokenizerConfig config_;
  std::vector<std::string> id_to_word_;
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> word_to_id_;
};

// The same vocabulary and truncation rule with another max_len (predict --max-len).
Tokenizer with_max_len(const Tokenizer& tokenizer, int max_len);

// Counts words over training texts, then makes the vocabulary: words with count >= min_count,
// most frequent first, ties by bytes ascending, at most max_words. Only the tokens that encode()
// would keep (after max_len truncation) are counted, so every vocabulary word is trained.
class VocabBuilder {
 public:
  explicit VocabBuilder(const TokenizerConfig& config);  // validates config
  void add(std::string_view text, bool add_cls = true);
  std::size_t distinct_words() const { return counts_.size(); }
  Tokenizer build() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  TokenizerConfig config_;
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> counts_;
};

}  // namespace attn::text
