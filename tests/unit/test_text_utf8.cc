#include <doctest/doctest.h>

#include <string>

#include "attn/text/utf8.h"

using namespace attn::text;

namespace {
constexpr char32_t R = kReplacementChar;
}

TEST_CASE("utf8: valid text decodes and round-trips") {
  const std::string s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  CHECK(decode_utf8(s) == std::u32string{U'a', 0xE9, 0x20AC, 0x1F600});
  CHECK(encode_utf8(decode_utf8(s)) == s);
  CHECK(is_valid_utf8(s));
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("\xEF\xBF\xBD"));  // a literal U+FFFD is valid
}

TEST_CASE("utf8: truncated sequences give one replacement per maximal subpart") {
  CHECK(decode_utf8("\xE2\x82") == std::u32string{R});            // 3-byte cut at the end
  CHECK(decode_utf8("\xE2\x82" "A") == std::u32string{R, U'A'});   // cut before an ASCII byte
  CHECK(decode_utf8("\xF0\x9F\x98") == std::u32string{R});         // 4-byte cut at the end
  CHECK(decode_utf8("\xC3") == std::u32string{R});
  CHECK(!is_valid_utf8("\xF0\x9F\x98"));  // 3 bytes, like U+FFFD's encoding, but invalid
}

TEST_CASE("utf8: lone continuation bytes, overlongs, surrogates and out-of-range leads") {
  CHECK(decode_utf8("\x80\xBF") == std::u32string{R, R});
  CHECK(decode_utf8("\xC0\x80") == std::u32string{R, R});          // overlong NUL
  CHECK(decode_utf8("\xC1\xBF") == std::u32string{R, R});
  CHECK(decode_utf8("\xE0\x80\xAF") == std::u32string{R, R, R});   // overlong '/'
  CHECK(decode_utf8("\xF0\x80\x80\xAF") == std::u32string{R, R, R, R});
  CHECK(decode_utf8("\xED\xA0\x80") == std::u32string{R, R, R});   // surrogate D800
  CHECK(decode_utf8("\xF4\x90\x80\x80") == std::u32string{R, R, R, R});  // > U+10FFFF
  CHECK(decode_utf8("\xF5\xFF" "b") == std::u32string{R, R, U'b'});
  CHECK(!is_valid_utf8("\xED\xA0\x80"));
  CHECK(sanitize_utf8("x\xC0y") == "x\xEF\xBF\xBDy");
}

TEST_CASE("utf8: next_code_point never reads past the end and always advances") {
  const std::string s = "\xE2";
  std::size_t pos = 0;
  CHECK(next_code_point(std::string_view(s.data(), 1), pos) == R);
  CHECK(pos == 1);
}

TEST_CASE("utf8: encoding writes U+FFFD for surrogates and values beyond U+10FFFF") {
  std::string out;
  append_utf8(0xD800, out);
  append_utf8(0x110000, out);
  CHECK(out == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(encode_utf8(std::u32string{0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF}) ==
        "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
}

TEST_CASE("utf8: lower-casing covers ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic") {
  CHECK(to_lower(U'A') == U'a');
  CHECK(to_lower(U'z') == U'z');
  CHECK(to_lower(U'[') == U'[');
  CHECK(to_lower(0xC9) == 0xE9);    // É
  CHECK(to_lower(0xD7) == 0xD7);    // × is not a letter
  CHECK(to_lower(0xDF) == 0xDF);    // ß has no simple upper/lower pair here
  CHECK(to_lower(0x100) == 0x101);  // Ā
  CHECK(to_lower(0x101) == 0x101);
  CHECK(to_lower(0x130) == U'i');   // İ
  CHECK(to_lower(0x141) == 0x142);  // Ł (odd upper run)
  CHECK(to_lower(0x152) == 0x153);  // Œ
  CHECK(to_lower(0x178) == 0xFF);   // Ÿ
  CHECK(to_lower(0x17D) == 0x17E);  // Ž
  CHECK(to_lower(0x391) == 0x3B1);  // Α
  CHECK(to_lower(0x3A3) == 0x3C3);  // Σ
  CHECK(to_lower(0x386) == 0x3AC);  // Ά
  CHECK(to_lower(0x38F) == 0x3CE);  // Ώ
  CHECK(to_lower(0x410) == 0x430);  // А
  CHECK(to_lower(0x42F) == 0x44F);  // Я
  CHECK(to_lower(0x401) == 0x451);  // Ё
  CHECK(to_lower(0x490) == 0x491);  // Ґ
  CHECK(to_lower(0x4E8) == 0x4E9);  // Ө
  CHECK(to_lower(0x4C1) == 0x4C2);  // Ӂ
  CHECK(to_lower(0x4E00) == 0x4E00);
  CHECK(to_lower_utf8("HeLLo ÉTÉ ΑΒΓ МОСКВА \xFF") == "hello été αβγ москва \xEF\xBF\xBD");
}
