#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "attn/error.h"
#include "attn/layers/hashed_embedding.h"
#include "attn/text/tokenizer.h"
#include "attn/text/words.h"

using namespace attn::text;
using Words = std::vector<std::string>;

TEST_CASE("words: letters, digits and punctuation") {
  const TokenizerConfig c;
  CHECK(split_words("Hello, World!", c) == Words{"hello", ",", "world", "!"});
  CHECK(split_words("  \t\n ", c).empty());
  CHECK(split_words("WIN $1,000,000 NOW!!!!!", c) == Words{"win", "$", "0,000,000", "now", "!!!"});
  CHECK(split_words("Save $30.00 on 2002 items", c) == Words{"save", "$", "30.00", "on", "2002", "items"});
  CHECK(split_words("call 555-123456", c) == Words{"call", "555", "-", "000000"});
  CHECK(split_words("don't 'quote' rock'n'roll", c) ==
        Words{"don't", "'", "quote", "'", "rock'n'roll"});
  CHECK(split_words("it\xE2\x80\x99s", c) == Words{"it's"});  // typographic apostrophe
  CHECK(split_words("end. 3.x", c) == Words{"end", ".", "3", ".", "x"});
  CHECK(split_words("-----", c) == Words{"---"});
  CHECK(split_words("a--b", c) == Words{"a", "--", "b"});
}

TEST_CASE("words: Unicode letters, symbols, invisible characters and invalid bytes") {
  const TokenizerConfig c;
  CHECK(split_words("Café ÉTÉ Москва αβγ", c) == Words{"café", "été", "москва", "αβγ"});
  CHECK(split_words("100\xE2\x82\xAC \xC2\xA9" "2002", c) == Words{"100", "\xE2\x82\xAC", "\xC2\xA9", "2002"});
  CHECK(split_words("Via\xE2\x80\x8Bgra", c) == Words{"viagra"});  // zero-width space dropped
  CHECK(split_words("a\xC2\xA0" "b", c) == Words{"a", "b"});        // no-break space separates
  CHECK(split_words("\xE2\x80\x9Chi\xE2\x80\x9D", c) == Words{"\xE2\x80\x9C", "hi", "\xE2\x80\x9D"});
  CHECK(split_words("caf\xE9!", c) == Words{"caf\xEF\xBF\xBD", "!"});  // Latin-1 byte: U+FFFD
  CHECK(split_words("\xF0\x9F\x98\x80\xF0\x9F\x98\x80 ok", c) == Words{"\xF0\x9F\x98\x80\xF0\x9F\x98\x80", "ok"});
}

TEST_CASE("words: options") {
  TokenizerConfig c;
  c.lowercase = false;
  CHECK(split_words("Hello WORLD", c) == Words{"Hello", "WORLD"});
  c.number_max_digits = 0;
  CHECK(split_words("1234567", c) == Words{"1234567"});
  c.max_word_bytes = 5;
  CHECK(split_words("abcdefgh ééé", c) == Words{"abcde", "éé"});  // cut on a code point boundary
  CHECK(split_words("a b c d", c, 2) == Words{"a", "b"});
}

TEST_CASE("ngrams: fixed bucket ids for a given word and bucket count") {
  CHECK(attn::HashedEmbedding::hash_bytes("a") == 3826002220u);  // FNV-1a test vector
  TokenizerConfig c;
  c.buckets = 1000;
  std::vector<int32_t> ids;
  append_ngram_ids("spam", c, ids);
  // "<sp" "<spa" "<spam" "spa" "spam" "spam>" "pam" "pam>" "am>"
  CHECK(ids == std::vector<int32_t>{176, 395, 330, 917, 8, 666, 645, 905, 423});
  ids.clear();
  append_ngram_ids("été", c, ids);  // lengths count code points, not bytes
  CHECK(ids == std::vector<int32_t>{165, 201, 549, 935, 923, 607});
  ids.clear();
  c.ngram_max = 0;
  append_ngram_ids("spam", c, ids);
  CHECK(ids.empty());
  c.ngram_max = 5;
  c.buckets = 0;
  append_ngram_ids("spam", c, ids);
  CHECK(ids.empty());
}

TEST_CASE("vocabulary: min_count, frequency order, ties by bytes, max_words") {
  TokenizerConfig c;
  c.min_count = 2;
  VocabBuilder b(c);
  b.add("b a c b a d");
  b.add("c b e e");
  // counts: b 3, a 2, c 2, e 2, d 1
  const Tokenizer t = b.build();
  CHECK(t.vocab_size() == 3 + 4);
  CHECK(t.word(0) == "[PAD]");
  CHECK(t.word(1) == "[UNK]");
  CHECK(t.word(2) == "[CLS]");
  CHECK(t.word(3) == "b");
  CHECK(t.word(4) == "a");
  CHECK(t.word(5) == "c");
  CHECK(t.word(6) == "e");
  CHECK(t.word_id("d") == kUnkId);
  CHECK(t.word_id("e") == 6);
  CHECK_THROWS_AS(t.word(7), std::out_of_range);

  c.max_words = 2;
  VocabBuilder capped(c);
  capped.add("b a c b a d");
  capped.add("c b e e");
  const Tokenizer t2 = capped.build();
  CHECK(t2.vocab_size() == 5);
  CHECK(t2.word(4) == "a");
}

TEST_CASE("vocabulary: only the tokens encode keeps are counted") {
  TokenizerConfig c;
  c.max_len = 3;  // [CLS] + 2 words
  VocabBuilder b(c);
  b.add("one two three four");
  CHECK(b.distinct_words() == 2);
}

TEST_CASE("encode: [CLS], ids, CSR n-grams, surface, truncation") {
  TokenizerConfig c;
  c.buckets = 1000;
  c.max_len = 4;
  const Tokenizer t(c, {"spam", "free"});
  const TokenizedText x = t.encode("FREE spam now! ignored", true, true);
  CHECK(x.word_ids == std::vector<int32_t>{kClsId, 4, 3, kUnkId});
  CHECK(x.surface == Words{"[CLS]", "free", "spam", "now"});
  REQUIRE(x.ngram_offsets.size() == 5);
  CHECK(x.ngram_offsets[0] == 0);
  CHECK(x.ngram_offsets[1] == 0);  // [CLS] has no n-grams
  CHECK(x.ngram_offsets[2] == 9);  // "<free>": 4 + 3 + 2 ... = 9 n-grams of lengths 3..5
  CHECK(x.ngram_offsets[3] == 18);
  CHECK(x.ngram_offsets[4] == 24);  // "<now>": 6 n-grams
  CHECK(std::vector<int32_t>(x.ngram_ids.begin() + 9, x.ngram_ids.begin() + 18) ==
        std::vector<int32_t>{176, 395, 330, 917, 8, 666, 645, 905, 423});

  const TokenizedText y = t.encode("free spam now", false, false);
  CHECK(y.word_ids == std::vector<int32_t>{4, 3, kUnkId});
  CHECK(y.surface.empty());

  const TokenizedText empty = t.encode("", true);
  CHECK(empty.word_ids == std::vector<int32_t>{kClsId});
  CHECK(empty.ngram_offsets == std::vector<int64_t>{0, 0});

  c.truncation = Truncation::kHeadTail;
  c.max_len = 5;  // [CLS] + 2 head + 2 tail
  const Tokenizer ht(c, {});
  CHECK(ht.encode("a b c d e f g", true, true).surface == Words{"[CLS]", "a", "b", "f", "g"});
  c.max_len = 4;  // [CLS] + 2 head + 1 tail
  const Tokenizer ht2(c, {});
  CHECK(ht2.encode("a b c d e f g", true, true).surface == Words{"[CLS]", "a", "b", "g"});
  CHECK(ht2.encode("a b", true, true).surface == Words{"[CLS]", "a", "b"});
}

TEST_CASE("tokenizer: JSON round trip") {
  TokenizerConfig c;
  c.lowercase = false;
  c.min_count = 3;
  c.max_len = 100;
  c.truncation = Truncation::kHeadTail;
  c.ngram_min = 2;
  c.ngram_max = 4;
  c.buckets = 777;
  c.max_word_bytes = 20;
  c.number_max_digits = 6;
  c.max_words = 9;
  const Tokenizer t(c, {"z", "été", "a"});
  const Tokenizer u = Tokenizer::from_json(t.to_json());
  CHECK(u.to_json() == t.to_json());
  CHECK(u.vocab_size() == 6);
  CHECK(u.word_id("été") == 4);
  CHECK(u.config().buckets == 777);
  CHECK(u.config().truncation == Truncation::kHeadTail);
  CHECK(u.config().lowercase == false);
  CHECK(u.encode("Z été a b").word_ids == t.encode("Z été a b").word_ids);
  CHECK(u.encode("Z été a b").ngram_ids == t.encode("Z été a b").ngram_ids);
  CHECK(tokenizer_config_from_json(tokenizer_config_to_json(c)).number_max_digits == 6);
}

namespace {
std::string error_of(const std::string& json) {
  try {
    Tokenizer::from_json(json);
  } catch (const attn::Error& e) {
    return e.what();
  }
  return "no error";
}

std::string valid_json_with(const std::string& key, const std::string& value) {
  // A valid state with one top-level field replaced (or removed when value is empty).
  std::string config = R"({"lowercase":true,"min_count":1,"max_words":0,"max_len":8,"truncation":"head",)"
                       R"("ngram_min":3,"ngram_max":5,"buckets":10,"max_word_bytes":40,"number_max_digits":4})";
  std::string vocab = R"(["[PAD]","[UNK]","[CLS]","a","b"])";
  std::string out = "{";
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"format", "\"attn.tokenizer\""}, {"version", "1"}, {"config", config}, {"vocab", vocab}};
  bool first = true;
  for (const auto& [k, v] : fields) {
    const std::string val = k == key ? value : v;
    if (val.empty()) continue;
    out += (first ? "\"" : ",\"") + k + "\":" + val;
    first = false;
  }
  return out + "}";
}
}  // namespace

TEST_CASE("tokenizer: invalid JSON states are rejected naming the field") {
  CHECK(error_of(valid_json_with("", "")) == "no error");
  CHECK(error_of("{not json").find("not valid JSON") != std::string::npos);
  CHECK(error_of("[1,2]") == "tokenizer: expected a JSON object");
  CHECK(error_of(valid_json_with("vocab", "")) == "tokenizer: missing field \"vocab\"");
  CHECK(error_of(valid_json_with("format", "\"x\"")).find("\"format\"") != std::string::npos);
  CHECK(error_of(valid_json_with("version", "2")).find("\"version\"") != std::string::npos);
  CHECK(error_of(valid_json_with("vocab", R"(["[PAD]","[UNK]","[CLS]","a","a"])")) ==
        "tokenizer: vocab[4]: duplicate word \"a\"");
  CHECK(error_of(valid_json_with("vocab", R"(["[PAD]","[UNK]","[CLS]",""])")) == "tokenizer: vocab[3]: empty word");
  CHECK(error_of(valid_json_with("vocab", R"(["[PAD]","[UNK]","[CLS]",7])")) == "tokenizer: vocab[3] is not a string");
  CHECK(error_of(valid_json_with("vocab", R"(["[PAD]","[CLS]","[UNK]"])")) == "tokenizer: vocab[1] must be \"[UNK]\"");
  CHECK(error_of(valid_json_with("vocab", R"(["[PAD]","[UNK]","[CLS]","[CLS]"])")).find("special") != std::string::npos);
  CHECK(error_of(valid_json_with("vocab", "{}")).find("\"vocab\" must be an array") != std::string::npos);
  CHECK(error_of(valid_json_with("config", R"({"lowercase":true})")) ==
        "tokenizer: config: missing field \"min_count\"");
  CHECK(error_of(valid_json_with("config", R"({"lowercase":1,"min_count":1})")) ==
        "tokenizer: config: field \"lowercase\" must be true or false");
  const std::string bad_buckets = R"({"lowercase":true,"min_count":1,"max_words":0,"max_len":8,"truncation":"head",)"
                                  R"("ngram_min":3,"ngram_max":5,"buckets":-1,"max_word_bytes":40,"number_max_digits":4})";
  CHECK(error_of(valid_json_with("config", bad_buckets)).find("buckets = -1") != std::string::npos);
  const std::string bad_trunc = R"({"lowercase":true,"min_count":1,"max_words":0,"max_len":8,"truncation":"middle",)"
                                R"("ngram_min":3,"ngram_max":5,"buckets":1,"max_word_bytes":40,"number_max_digits":4})";
  CHECK(error_of(valid_json_with("config", bad_trunc)).find("middle") != std::string::npos);
  const std::string bad_len = R"({"lowercase":true,"min_count":1,"max_words":0,"max_len":"8","truncation":"head",)"
                              R"("ngram_min":3,"ngram_max":5,"buckets":1,"max_word_bytes":40,"number_max_digits":4})";
  CHECK(error_of(valid_json_with("config", bad_len)) == "tokenizer: config: field \"max_len\" must be an integer");
}

TEST_CASE("tokenizer config: validation names the field") {
  TokenizerConfig c;
  c.max_len = 1;
  CHECK_THROWS_WITH_AS(validate(c), doctest::Contains("max_len"), attn::Error);
  c = {};
  c.ngram_min = 4;
  c.ngram_max = 3;
  CHECK_THROWS_WITH_AS(validate(c), doctest::Contains("ngram_max"), attn::Error);
  c = {};
  c.min_count = 0;
  CHECK_THROWS_WITH_AS(VocabBuilder{c}, doctest::Contains("min_count"), attn::Error);
  CHECK_THROWS_AS(Tokenizer(TokenizerConfig{}, {"a", "a"}), attn::Error);
}

TEST_CASE("vocabulary: half a million short lines are counted quickly") {
  TokenizerConfig c;
  c.min_count = 2;
  VocabBuilder b(c);
  const auto start = std::chrono::steady_clock::now();
  std::string line;
  for (int i = 0; i < 500000; ++i) {
    line = "word" + std::to_string(i % 5000) + " common text here " + std::to_string(i % 7);
    b.add(line);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Tokenizer t = b.build();
  CHECK(t.vocab_size() == 3 + 5000 + 3 + 7);
  CHECK(t.word(3) == "common");  // ties (5e5 each) broken by bytes: common < here < text
  CHECK(t.word(4) == "here");
#if !defined(__SANITIZE_ADDRESS__)  // instrumented builds (ATTN_SANITIZE) run several times slower
  CHECK(seconds < 10.0);  // ~0.5 s on an idle core; generous for a loaded machine
#endif
  MESSAGE("5e5 lines counted in " << seconds << " s");
}
