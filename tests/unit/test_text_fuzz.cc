// Bounded random-input runs: the text pipeline must accept any bytes without crashing,
// reading out of bounds (run under ATTN_SANITIZE to check) or producing inconsistent output.
#include <doctest/doctest.h>

#include <string>

#include "attn/rng.h"
#include "attn/text/email.h"
#include "attn/text/html.h"
#include "attn/text/mime.h"
#include "attn/text/tokenizer.h"
#include "attn/text/utf8.h"
#include "attn/text/words.h"

using namespace attn::text;

namespace {

// Random bytes biased towards the characters the parsers care about.
std::string random_text(attn::Rng& rng, std::size_t max_len) {
  static const std::string pieces[] = {
      "\n", "\r\n", " ", "\t", ":", "=", "?", "<", ">", "&", "#", ";", "--", "--B", "\n\n", "From: a@b\n",
      "Subject: =?utf-8?B?", "?=", "Content-Type: multipart/mixed; boundary=B\n", "Content-Type: text/html\n",
      "Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n",
      "<script>", "</p>", "&#x", "&amp", "\xC3", "\xA9", "\xE2\x82", "\xF0\x9F", "\xFF", "'", ".", ",", "1", "a", "Z",
      "_______________________", "-----BEGIN PGP SIGNATURE-----", "List-Id: x\n", "> "};
  const std::size_t len = rng.below(max_len + 1);
  std::string s;
  while (s.size() < len) {
    if (rng.below(3) == 0) s += pieces[rng.below(std::size(pieces))];
    else s.push_back(static_cast<char>(rng.below(256)));
  }
  return s;
}

}  // namespace

TEST_CASE("fuzz: UTF-8 decoding and lower-casing of random bytes") {
  attn::Rng rng(7);
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string s = random_text(rng, 64);
    const std::string clean = sanitize_utf8(s);
    REQUIRE(is_valid_utf8(clean));
    CHECK(decode_utf8(clean) == decode_utf8(s));  // sanitizing keeps the decoded sequence
    CHECK(is_valid_utf8(to_lower_utf8(s)));
    if (is_valid_utf8(s)) CHECK(clean == s);
  }
}

TEST_CASE("fuzz: tokenizer on random bytes") {
  attn::Rng rng(11);
  TokenizerConfig c;
  c.max_len = 32;
  c.buckets = 97;
  VocabBuilder builder(c);
  for (int iter = 0; iter < 300; ++iter) builder.add(random_text(rng, 200));
  const Tokenizer t = builder.build();
  const Tokenizer reloaded = Tokenizer::from_json(t.to_json());
  for (int iter = 0; iter < 2000; ++iter) {
    const std::string s = random_text(rng, 300);
    for (const std::string& w : split_words(s, c)) {
      REQUIRE(!w.empty());
      REQUIRE(w.size() <= static_cast<std::size_t>(c.max_word_bytes));
      REQUIRE(is_valid_utf8(w));
    }
    const TokenizedText x = t.encode(s, true, true);
    REQUIRE(x.size() >= 1);
    REQUIRE(x.size() <= static_cast<std::size_t>(c.max_len));
    REQUIRE(x.ngram_offsets.size() == x.size() + 1);
    REQUIRE(x.ngram_offsets.back() == static_cast<int64_t>(x.ngram_ids.size()));
    REQUIRE(x.surface.size() == x.size());
    for (std::size_t k = 0; k + 1 < x.ngram_offsets.size(); ++k) REQUIRE(x.ngram_offsets[k] <= x.ngram_offsets[k + 1]);
    for (int32_t id : x.word_ids) REQUIRE((id >= 0 && id < t.vocab_size()));
    for (int32_t id : x.ngram_ids) REQUIRE((id >= 0 && id < c.buckets));
    REQUIRE(reloaded.encode(s).word_ids == t.encode(s).word_ids);
  }
}

TEST_CASE("fuzz: email parser, MIME decoders and HTML on random bytes") {
  attn::Rng rng(13);
  for (int iter = 0; iter < 2000; ++iter) {
    const std::string s = random_text(rng, 600);
    const std::string text = email_to_text(s);
    if (looks_like_email(s)) {
      REQUIRE(is_valid_utf8(text));
      REQUIRE(text.starts_with("subject: "));
      REQUIRE(text.size() <= 3 * s.size() + 64);  // charset expansion at most 3x, plus labels
    } else {
      REQUIRE(text == s);
    }
    CHECK(decode_base64(s).size() <= s.size());
    CHECK(decode_quoted_printable(s).size() <= s.size());
    (void)decode_header_words(s, "iso-8859-1");
    (void)html_to_text(s);
  }
}
