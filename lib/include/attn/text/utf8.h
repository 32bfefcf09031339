#pragma once
// UTF-8 decoding, encoding and locale-independent lower-casing.
// Decoding never fails and never reads past the end: every ill-formed sequence becomes U+FFFD,
// one replacement per maximal ill-formed subpart (the Unicode "best practice": a truncated
// 3-byte sequence gives one U+FFFD, a lone continuation byte gives one, an overlong or
// surrogate encoding gives one per byte because its second byte is already out of range).
#include <cstddef>
#include <string>
#include <string_view>

namespace attn::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at s[pos] and advances pos past it (by at least one byte).
// Precondition: pos < s.size().
char32_t next_code_point(std::string_view s, std::size_t& pos);

// Whole-string decoding; `out` is overwritten (pass the same buffer again to avoid allocations).
void decode_utf8(std::string_view s, std::u32string& out);
std::u32string decode_utf8(std::string_view s);

// Appends the UTF-8 encoding of cp; surrogates and values above U+10FFFF are written as U+FFFD.
void append_utf8(char32_t cp, std::string& out);
std::string encode_utf8(std::u32string_view cps);

bool is_valid_utf8(std::string_view s);
// Valid UTF-8 with every ill-formed subpart replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);

// Simple (one-to-one) lower-case mapping for ASCII, Latin-1 Supplement, Latin Extended-A,
// Greek and Cyrillic (incl. Cyrillic Supplement); every other code point maps to itself.
char32_t to_lower(char32_t cp);
// Decode (replacing invalid bytes), lower-case, encode.
std::string to_lower_utf8(std::string_view s);

}  // namespace attn::text
