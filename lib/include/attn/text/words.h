#pragma once
// Splitting text into word tokens (the rules every text model of attn uses).
//
// The text is decoded as UTF-8 (invalid bytes become U+FFFD) and lower-cased if configured. Then:
// - A word is a run of word characters: ASCII letters and digits, and every code point >= 0x80
//   that is neither white space, a control character nor punctuation/symbol (so accented
//   letters, Greek, Cyrillic, CJK and U+FFFD are word characters).
// - Joiners: an apostrophe (' or U+2019, written as ') between two word characters, and '.' or
//   ',' between two ASCII digits, stay inside the word: "don't", "30.00", "1,000".
// - Invisible characters (soft hyphen, zero-width space/joiners, BOM) are dropped, so they
//   cannot split a word ("Via\u200Bgra" is "viagra").
// - Every other printable character (ASCII punctuation such as ! $ % and Unicode punctuation,
//   currency signs, arrows, box drawing, emoji) is a token of its own; a run of the same symbol
//   is one token repeated at most three times ("!!!!!" -> "!!!", "----" -> "---").
// - Numbers (digits with inner '.' or ',') with more than number_max_digits digits have every
//   digit replaced by '0' ("555123" -> "000000"), which merges ids, phone and order numbers.
// - Words longer than max_word_bytes are cut at a code point boundary.
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "attn/text/tokenizer_config.h"

namespace attn::text {

// Splits text into at most max_words tokens (the rest of the text is not examined).
std::vector<std::string> split_words(std::string_view text, const TokenizerConfig& config,
                                     std::size_t max_words = std::numeric_limits<std::size_t>::max());

}  // namespace attn::text
