#include "attn/text/utf8.h"

namespace attn::text {

char32_t next_code_point(std::string_view s, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) {
    ++pos;
    return b0;
  }
  // Length and the allowed range of the second byte (Unicode Table 3-7, well-formed sequences).
  int len;
  unsigned char lo = 0x80, hi = 0xBF;
  char32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // below: overlong
    if (b0 == 0xED) hi = 0x9F;  // above: surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // below: overlong
    if (b0 == 0xF4) hi = 0x8F;  // above: beyond U+10FFFF
  } else {
    ++pos;  // continuation byte without a lead, C0/C1 (always overlong) or F5..FF
    return kReplacementChar;
  }
  std::size_t i = pos + 1;
  for (int k = 1; k < len; ++k, ++i) {
    if (i >= s.size()) {
      pos = i;  // truncated at the end of the input: one replacement for the whole prefix
      return kReplacementChar;
    }
    const unsigned char b = byte(i);
    const unsigned char klo = k == 1 ? lo : 0x80, khi = k == 1 ? hi : 0xBF;
    if (b < klo || b > khi) {
      pos = i;  // the offending byte starts the next decode
      return kReplacementChar;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  pos = i;
  return cp;
}

void decode_utf8(std::string_view s, std::u32string& out) {
  out.resize(s.size());  // never more code points than bytes
  std::size_t pos = 0, n = 0;
  while (pos < s.size()) {
    if (static_cast<unsigned char>(s[pos]) < 0x80) out[n++] = static_cast<unsigned char>(s[pos++]);
    else out[n++] = next_code_point(s, pos);
  }
  out.resize(n);
}

std::u32string decode_utf8(std::string_view s) {
  std::u32string out;
  decode_utf8(s, out);
  return out;
}

void append_utf8(char32_t cp, std::string& out) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = kReplacementChar;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode_utf8(std::u32string_view cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) append_utf8(cp, out);
  return out;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t start = pos;
    // A literal U+FFFD in the input is valid; a replacement produced by the decoder is not.
    if (next_code_point(s, pos) == kReplacementChar && s.substr(start, pos - start) != "\xEF\xBF\xBD")
      return false;
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  std::size_t pos = 0;
  while (pos < s.size()) append_utf8(next_code_point(s, pos), out);
  return out;
}

char32_t to_lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if (c < 0x100) return (c >= 0xC0 && c <= 0xDE && c != 0xD7) ? c + 32 : c;
  if (c < 0x180) {  // Latin Extended-A: alternating upper/lower pairs, with three runs
    if (c == 0x130) return 'i';         // I with dot above
    if (c == 0x178) return 0xFF;        // Y with diaeresis
    if (c <= 0x137) return c | 1;       // 0100..0137: even upper
    if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;  // odd upper
    if (c >= 0x14A && c <= 0x177) return c | 1;                // even upper
    if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c + 1 : c;  // odd upper
    return c;                                                  // 0138, 0149, 017F
  }
  if (c >= 0x370 && c < 0x400) {  // Greek
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c >= 0x3D8 && c <= 0x3EF) return c | 1;  // archaic letters and Coptic: even upper
    return c;
  }
  if (c >= 0x400 && c < 0x530) {  // Cyrillic and Cyrillic Supplement
    if (c <= 0x40F) return c + 80;
    if (c <= 0x42F) return c + 32;
    if (c >= 0x460 && c <= 0x481) return c | 1;
    if (c >= 0x48A && c <= 0x4BF) return c | 1;
    if (c == 0x4C0) return 0x4CF;
    if (c >= 0x4C1 && c <= 0x4CE) return (c & 1) ? c + 1 : c;
    if (c >= 0x4D0) return c | 1;
    return c;
  }
  return c;
}

std::string to_lower_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t pos = 0;
  while (pos < s.size()) append_utf8(to_lower(next_code_point(s, pos)), out);
  return out;
}

}  // namespace attn::text
