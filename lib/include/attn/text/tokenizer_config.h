#pragma once
// Every option that changes how text becomes tokens. Stored in the model file (as JSON) so that
// predict tokenizes exactly as train did.
#include <cstdint>
#include <string>
#include <string_view>

namespace attn::text {

// Which tokens survive when a text has more than max_len (including [CLS]).
enum class Truncation {
  kHead,      // the first max_len tokens: [CLS] plus the first max_len-1 words (default)
  kHeadTail,  // [CLS], the first ceil(k/2) and the last floor(k/2) words, k = max_len-1
};

struct TokenizerConfig {
  bool lowercase = true;
  int min_count = 1;            // a word needs this many occurrences in training to get an id
  int max_words = 20000;        // keep only the most frequent words (0: no cap); bounds model size
  int max_len = 256;            // tokens per text including [CLS] (>= 2)
  Truncation truncation = Truncation::kHead;
  int ngram_min = 3;            // character n-grams of "<word>", lengths in code points
  int ngram_max = 5;            // 0 disables n-grams
  int buckets = 20000;          // n-gram hash table rows (0 disables n-grams); bounds model size
  int max_word_bytes = 40;      // longer words are cut (at a code point boundary) to this many bytes
  int number_max_digits = 4;    // numbers with more digits get every digit replaced by '0' (0: off)
};

// Throws attn::Error naming the first field that is out of range.
void validate(const TokenizerConfig& config);

std::string to_string(Truncation t);  // "head" / "head_tail"
Truncation truncation_from_string(std::string_view s);  // throws attn::Error on other strings

// One JSON object with every field above, and back (missing/ill-typed/out-of-range field ->
// attn::Error naming it).
std::string tokenizer_config_to_json(const TokenizerConfig& config);
TokenizerConfig tokenizer_config_from_json(std::string_view json);

}  // namespace attn::text
