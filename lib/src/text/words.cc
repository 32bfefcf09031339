#include "attn/text/words.h"

#include <algorithm>

#include "attn/text/utf8.h"

namespace attn::text {
namespace {

enum class CharKind { Space, Word, Symbol, Ignore };

bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

CharKind classify(char32_t c) {
  if (c < 0x80) {
    if (in(c, '0', '9') || in(c, 'a', 'z') || in(c, 'A', 'Z')) return CharKind::Word;
    if (c <= 0x20 || c == 0x7F) return CharKind::Space;  // controls and white space
    return CharKind::Symbol;
  }
  if (c <= 0xA0 || c == 0x1680 || in(c, 0x2000, 0x200A) || c == 0x2028 || c == 0x2029 ||
      c == 0x202F || c == 0x205F || c == 0x3000)
    return CharKind::Space;  // C1 controls, no-break and typographic spaces, separators
  if (c == 0xAD || in(c, 0x200B, 0x200F) || in(c, 0x202A, 0x202E) || in(c, 0x2060, 0x2064) ||
      c == 0xFEFF || in(c, 0xFE00, 0xFE0F) || in(c, 0xE0000, 0xE007F))
    return CharKind::Ignore;  // soft hyphen, zero-width and bidi marks, BOM, selectors, tags
  if (c < 0x100) {
    if (c == 0xAA || c == 0xB5 || c == 0xBA) return CharKind::Word;  // ª µ º
    if (c <= 0xBF || c == 0xD7 || c == 0xF7) return CharKind::Symbol;
    return CharKind::Word;
  }
  if (in(c, 0x2010, 0x205E) || in(c, 0x20A0, 0x20CF) || in(c, 0x2100, 0x214F) ||
      in(c, 0x2190, 0x2BFF) || (in(c, 0x3001, 0x303F) && !in(c, 0x3005, 0x3007)) ||
      in(c, 0xFE10, 0xFE1F) || in(c, 0xFE30, 0xFE6F) || in(c, 0xFF01, 0xFF0F) ||
      in(c, 0xFF1A, 0xFF20) || in(c, 0xFF3B, 0xFF40) || in(c, 0xFF5B, 0xFF65) ||
      in(c, 0x1F000, 0x1FAFF))
    return CharKind::Symbol;  // punctuation, currency, arrows, math, shapes, CJK marks, emoji
  return CharKind::Word;
}

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }

std::size_t utf8_length(char32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

}  // namespace

std::vector<std::string> split_words(std::string_view text, const TokenizerConfig& config,
                                     std::size_t max_words) {
  std::u32string cps;
  decode_utf8(text, cps);
  if (config.lowercase)
    for (char32_t& c : cps) c = to_lower(c);

  std::vector<std::string> words;
  const std::size_t n = cps.size();
  const std::size_t max_bytes = static_cast<std::size_t>(std::max(config.max_word_bytes, 1));
  std::size_t i = 0;
  while (i < n && words.size() < max_words) {
    const CharKind kind = classify(cps[i]);
    if (kind == CharKind::Space || kind == CharKind::Ignore) {
      ++i;
    } else if (kind == CharKind::Symbol) {
      std::size_t run = 1;
      while (i + run < n && cps[i + run] == cps[i]) ++run;
      std::string token;
      for (std::size_t r = 0; r < std::min<std::size_t>(run, 3); ++r) append_utf8(cps[i], token);
      words.push_back(std::move(token));
      i += run;
    } else {
      // A word: its UTF-8 is built directly; past max_bytes the characters are consumed unseen.
      std::string token;
      bool only_number = true;
      int digits = 0;
      char32_t last = 0;
      bool full = false;
      const auto take = [&](char32_t c) {
        last = c;
        full = full || token.size() + utf8_length(c) > max_bytes;
        if (!full) append_utf8(c, token);
      };
      for (; i < n; ++i) {
        const char32_t c = cps[i];
        const CharKind k = classify(c);
        if (k == CharKind::Ignore) continue;
        if (k == CharKind::Word) {
          take(c);
          if (is_digit(c)) ++digits; else only_number = false;
        } else if ((c == '\'' || c == 0x2019) && i + 1 < n && classify(cps[i + 1]) == CharKind::Word) {
          take('\'');
          only_number = false;
        } else if ((c == '.' || c == ',') && is_digit(last) && i + 1 < n && is_digit(cps[i + 1])) {
          take(c);
        } else {
          break;
        }
      }
      // Digits are ASCII, so they can be replaced in the UTF-8 bytes directly.
      if (only_number && config.number_max_digits > 0 && digits > config.number_max_digits)
        for (char& ch : token)
          if (ch >= '0' && ch <= '9') ch = '0';
      words.push_back(std::move(token));
    }
  }
  return words;
}

}  // namespace attn::text
