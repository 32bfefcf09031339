// Documents: the email reader (RFC 822 headers, MIME structure, transfer encodings, RFC 2047
// words, charsets, PGP blocks, list marks) and the HTML-to-text reducer, on arbitrary bytes.
// None of them may throw; the email output is always valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attn/text/email.h"
#include "attn/text/html.h"
#include "attn/text/mime.h"
#include "attn/text/utf8.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using attn::fuzz::require;
  attn::fuzz::Bytes in(data, size);
  const uint8_t flags = in.take();
  const std::string_view doc = in.rest();

  attn::text::EmailOptions options;
  options.include_from = flags & 1;
  options.include_content_type = flags & 2;
  options.strip_list_marks = flags & 4;
  const std::string text = attn::text::email_to_text(doc, options);
  if (attn::text::looks_like_email(doc)) {
    require(attn::text::is_valid_utf8(text));
    require(text.starts_with("subject: "));
  } else {
    require(text == doc);
  }
  (void)attn::text::html_to_text(doc);
  (void)attn::text::decode_header_words(doc, flags & 8 ? "iso-8859-1" : "");
  require(attn::text::decode_base64(doc).size() <= doc.size());
  require(attn::text::decode_quoted_printable(doc, flags & 16).size() <= doc.size());
  return 0;
}
