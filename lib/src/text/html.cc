#include "attn/text/html.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "attn/text/utf8.h"

namespace attn::text {
namespace {

struct NamedEntity {
  std::string_view name;
  char32_t cp;
};

// The named references that matter in mail; anything else is kept as written.
constexpr NamedEntity kEntities[] = {
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},        {"quot", '"'},     {"apos", '\''},
    {"nbsp", ' '},     {"copy", 0xA9},     {"reg", 0xAE},      {"trade", 0x2122}, {"euro", 0x20AC},
    {"pound", 0xA3},   {"yen", 0xA5},      {"cent", 0xA2},     {"sect", 0xA7},    {"deg", 0xB0},
    {"plusmn", 0xB1},  {"times", 0xD7},    {"divide", 0xF7},   {"middot", 0xB7},  {"bull", 0x2022},
    {"hellip", 0x2026}, {"ndash", 0x2013}, {"mdash", 0x2014},  {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"ldquo", 0x201C}, {"rdquo", 0x201D},  {"laquo", 0xAB},    {"raquo", 0xBB},   {"iexcl", 0xA1},
    {"iquest", 0xBF},  {"frac12", 0xBD},   {"frac14", 0xBC},   {"frac34", 0xBE},  {"szlig", 0xDF},
    {"agrave", 0xE0},  {"aacute", 0xE1},   {"acirc", 0xE2},    {"atilde", 0xE3},  {"auml", 0xE4},
    {"aring", 0xE5},   {"aelig", 0xE6},    {"ccedil", 0xE7},   {"egrave", 0xE8},  {"eacute", 0xE9},
    {"ecirc", 0xEA},   {"euml", 0xEB},     {"igrave", 0xEC},   {"iacute", 0xED},  {"icirc", 0xEE},
    {"iuml", 0xEF},    {"ntilde", 0xF1},   {"ograve", 0xF2},   {"oacute", 0xF3},  {"ocirc", 0xF4},
    {"otilde", 0xF5},  {"ouml", 0xF6},     {"oslash", 0xF8},   {"ugrave", 0xF9},  {"uacute", 0xFA},
    {"ucirc", 0xFB},   {"uuml", 0xFC},     {"yacute", 0xFD},   {"yuml", 0xFF},    {"Agrave", 0xC0},
    {"Aacute", 0xC1},  {"Acirc", 0xC2},    {"Atilde", 0xC3},   {"Auml", 0xC4},    {"Aring", 0xC5},
    {"AElig", 0xC6},   {"Ccedil", 0xC7},   {"Egrave", 0xC8},   {"Eacute", 0xC9},  {"Ecirc", 0xCA},
    {"Euml", 0xCB},    {"Iacute", 0xCD},   {"Ntilde", 0xD1},   {"Oacute", 0xD3},  {"Ouml", 0xD6},
    {"Oslash", 0xD8},  {"Uacute", 0xDA},   {"Uuml", 0xDC},
};

// Tags after which the text continues on a new line (others, like b/font/span, are inline).
constexpr std::string_view kBlockTags[] = {
    "address", "article", "blockquote", "body", "br", "center", "dd", "div", "dl", "dt", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "img", "input",
    "li", "ol", "option", "p", "pre", "section", "select", "table", "tbody", "td", "textarea",
    "tfoot", "th", "thead", "title", "tr", "ul"};

bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool iequals_at(std::string_view s, std::size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (std::size_t k = 0; k < word.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[pos + k])) != word[k]) return false;
  return true;
}

// Case-insensitive search for `word` (lower-case) from pos; npos if absent.
std::size_t ifind(std::string_view s, std::string_view word, std::size_t pos) {
  for (; pos + word.size() <= s.size(); ++pos)
    if (iequals_at(s, pos, word)) return pos;
  return std::string_view::npos;
}

// Decodes the character reference at s[pos] == '&'; returns the bytes consumed (0: not one).
std::size_t decode_entity(std::string_view s, std::size_t pos, std::string& out) {
  std::size_t i = pos + 1;
  if (i < s.size() && s[i] == '#') {
    ++i;
    const bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    if (hex) ++i;
    const std::size_t digits_start = i;
    uint32_t value = 0;
    for (; i < s.size() && i - digits_start < 8; ++i) {
      const char c = s[i];
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else break;
      value = value * (hex ? 16 : 10) + static_cast<uint32_t>(d);
    }
    if (i == digits_start) return 0;
    if (i < s.size() && s[i] == ';') ++i;
    char32_t cp = value;
    if (cp == 0 || cp > 0x10FFFF) cp = kReplacementChar;
    if (cp >= 0x80 && cp < 0xA0) cp = ' ';  // C1 controls (often meant as windows-1252): a space
    append_utf8(cp, out);
    return i - pos;
  }
  std::size_t end = i;
  while (end < s.size() && end - i < 8 && ascii_alpha(s[end])) ++end;
  const std::string_view name = s.substr(i, end - i);
  for (const NamedEntity& e : kEntities) {
    if (e.name != name) continue;
    if (end < s.size() && s[end] == ';') ++end;
    append_utf8(e.cp, out);
    return end - pos;
  }
  return 0;
}

}  // namespace

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false, newline = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending = true;
      newline = newline || c == '\n';
      continue;
    }
    if (pending && !out.empty()) out.push_back(newline ? '\n' : ' ');
    pending = newline = false;
    out.push_back(c);
  }
  return out;
}

std::string html_to_text(std::string_view s) {
  std::string out;
  out.reserve(s.size() / 2);
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '&') {
      const std::size_t used = decode_entity(s, i, out);
      if (used == 0) out.push_back('&');
      i += std::max<std::size_t>(used, 1);
      continue;
    }
    if (c != '<') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (s.substr(i, 4) == "<!--") {
      const std::size_t end = s.find("-->", i + 4);
      i = end == std::string_view::npos ? s.size() : end + 3;
      continue;
    }
    std::size_t j = i + 1;
    const bool closing = j < s.size() && s[j] == '/';
    if (closing) ++j;
    const bool markup = j < s.size() && (ascii_alpha(s[j]) || s[j] == '!' || s[j] == '?');
    if (!markup) {  // "a < b": a literal '<'
      out.push_back('<');
      ++i;
      continue;
    }
    std::size_t name_end = j;
    while (name_end < s.size() && (std::isalnum(static_cast<unsigned char>(s[name_end])))) ++name_end;
    std::string name(s.substr(j, name_end - j));
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const std::size_t gt = s.find('>', name_end);
    i = gt == std::string_view::npos ? s.size() : gt + 1;
    if (!closing && (name == "script" || name == "style")) {
      const std::size_t close = ifind(s, name == "script" ? "</script" : "</style", i);
      const std::size_t close_gt = close == std::string_view::npos ? close : s.find('>', close);
      i = close_gt == std::string_view::npos ? s.size() : close_gt + 1;
      continue;
    }
    if (std::find(std::begin(kBlockTags), std::end(kBlockTags), name) != std::end(kBlockTags))
      out.push_back('\n');
  }
  return collapse_whitespace(out);
}

}  // namespace attn::text
