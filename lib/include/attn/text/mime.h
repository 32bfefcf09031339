#pragma once
// MIME building blocks for email.h: transfer encodings, RFC 2047 header words, charsets.
// All of them accept any bytes and never throw on malformed input: what cannot be decoded is
// kept as it is (or skipped, for base64 noise).
#include <string>
#include <string_view>

namespace attn::text {

// Quoted-printable (RFC 2045): "=XX" hex escapes, "=" at a line end is a soft break; a stray
// "=" is kept literally. header_mode (RFC 2047 "Q"): '_' is a space.
std::string decode_quoted_printable(std::string_view s, bool header_mode = false);

// Base64 (RFC 2045): characters outside the alphabet (line breaks, junk) are skipped, decoding
// stops at '='; a dangling final sextet is dropped.
std::string decode_base64(std::string_view s);

// Bytes in `charset` to UTF-8. UTF-8 passes through. The Latin-1 family (us-ascii, iso-8859-1,
// iso-8859-15, windows-1252, an empty or unknown-8bit label) is decoded as windows-1252 unless
// the bytes already are valid UTF-8 (mislabelled mail is common). Other charsets pass through
// unchanged (invalid UTF-8 becomes U+FFFD later).
std::string charset_to_utf8(std::string_view bytes, std::string_view charset);

// RFC 2047 encoded words ("=?iso-8859-1?Q?caf=E9?=", "=?utf-8?B?...?="), decoded to UTF-8;
// white space between two encoded words is dropped; the text around them (which may hold raw
// 8-bit bytes) is charset_to_utf8(text, raw_charset), e.g. the message's body charset.
std::string decode_header_words(std::string_view header, std::string_view raw_charset = "");

}  // namespace attn::text
