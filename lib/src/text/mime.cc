#include "attn/text/mime.h"

#include <cctype>
#include <cstdint>

#include "attn/text/utf8.h"

namespace attn::text {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // '-' and '_': the URL-safe alphabet, seen in the wild
  if (c == '/' || c == '_') return 63;
  return -1;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// windows-1252 0x80..0x9F; the five undefined positions keep their Latin-1 (C1) value.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

std::string cp1252_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) out.push_back(ch);
    else if (b < 0xA0) append_utf8(kCp1252High[b - 0x80], out);
    else append_utf8(b, out);
  }
  return out;
}

bool is_latin1_family(const std::string& cs) {
  return cs.empty() || cs == "us-ascii" || cs == "ascii" || cs == "iso-8859-1" || cs == "iso8859-1" ||
         cs == "latin1" || cs == "latin-1" || cs == "iso-8859-15" || cs == "windows-1252" ||
         cs == "cp1252" || cs == "unknown-8bit" || cs == "x-unknown" || cs == "default";
}

}  // namespace

std::string decode_quoted_printable(std::string_view s, bool header_mode) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_' && header_mode) {
      out.push_back(' ');
    } else if (c != '=') {
      out.push_back(c);
    } else {
      // Soft line break: '=' followed by optional spaces and a line end.
      std::size_t j = i + 1;
      while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
      if (j < s.size() && (s[j] == '\n' || s[j] == '\r')) {
        if (s[j] == '\r' && j + 1 < s.size() && s[j + 1] == '\n') ++j;
        i = j;
      } else if (j == s.size()) {
        i = j;  // '=' at the very end: a soft break before the end
      } else if (i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
        i += 2;
      } else {
        out.push_back('=');  // not an escape: keep it
      }
    }
  }
  return out;
}

std::string decode_base64(std::string_view s) {
  std::string out;
  out.reserve(s.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    const int v = base64_value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string charset_to_utf8(std::string_view bytes, std::string_view charset) {
  const std::string cs = lower_ascii(charset);
  if (cs == "utf-8" || cs == "utf8") return std::string(bytes);
  if (is_latin1_family(cs) && !is_valid_utf8(bytes)) return cp1252_to_utf8(bytes);
  return std::string(bytes);
}

std::string decode_header_words(std::string_view h, std::string_view raw_charset) {
  std::string out;
  std::size_t plain_start = 0;   // start of the not-yet-copied plain text
  bool last_was_word = false;    // white space between two encoded words is dropped
  // The "?=" closing the word starting at i. Searches start at increasing positions, so the
  // last hit answers every search that starts at or before it: each byte is searched once,
  // however many "=?" openings (of unknown encodings, say) share the same closing.
  std::size_t closing = 0, closing_from = 0;
  bool have_closing = false;
  const auto find_closing = [&](std::size_t from) {
    if (!have_closing || from > closing || from < closing_from) {
      closing = h.find("?=", from);
      closing_from = from;
      have_closing = true;
    }
    return closing;
  };
  std::size_t i = 0;
  while (i + 1 < h.size()) {
    if (h[i] != '=' || h[i + 1] != '?') {
      ++i;
      continue;
    }
    // =?charset?X?text?=
    const std::size_t q1 = h.find('?', i + 2);
    if (q1 == std::string_view::npos || q1 + 2 >= h.size() || h[q1 + 2] != '?') {
      ++i;
      continue;
    }
    const std::size_t end = find_closing(q1 + 3);
    if (end == std::string_view::npos) break;
    std::string_view charset = h.substr(i + 2, q1 - i - 2);
    if (const std::size_t star = charset.find('*'); star != std::string_view::npos)
      charset = charset.substr(0, star);  // RFC 2231 language suffix
    const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(h[q1 + 1])));
    if (enc != 'Q' && enc != 'B') {
      ++i;
      continue;
    }
    const std::string_view between = h.substr(plain_start, i - plain_start);
    const bool only_space = between.find_first_not_of(" \t\r\n") == std::string_view::npos;
    if (!(last_was_word && only_space)) out += charset_to_utf8(between, raw_charset);
    const std::string_view text = h.substr(q1 + 3, end - q1 - 3);
    const std::string raw = enc == 'Q' ? decode_quoted_printable(text, true) : decode_base64(text);
    out += charset_to_utf8(raw, charset);
    i = plain_start = end + 2;
    last_was_word = true;
  }
  out += charset_to_utf8(h.substr(plain_start), raw_charset);
  return out;
}

}  // namespace attn::text
