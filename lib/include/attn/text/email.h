#pragma once
// Raw RFC 822 / MIME messages to classifier text.
//
// Output (always valid UTF-8):
//   subject: <decoded Subject>
//   from: <display name> <domain>            (if include_from)
//   content-type: <type>[; charset=<cs>]     (if include_content_type; the top-level type)
//   body:
//   <text of the text/plain and text/html parts>
// Only Subject, From and Content-Type are used: Received, Return-Path, Message-Id, List-*,
// X-* and all other headers describe the route and the mailing list, not the message, so a
// model trained on them learns the corpus instead of spam. Bodies: quoted-printable and base64
// decoded for text parts, charsets converted (see charset_to_utf8), multipart walked (in
// multipart/alternative the text/plain part is preferred, else text/html), HTML reduced to its
// visible text, message/rfc822 parts read as nested messages, every other part reduced to a
// line "part: <type>". Inline PGP signature blocks become "part: application/pgp-signature".
// Malformed structure degrades to treating the rest as plain text.
//
// Mailing lists add their own marks, which identify the list (and so the corpus), not spam.
// With strip_list_marks:
// - in every message, list software stamps are removed: a mailman footer (a line of 20+ '_'
//   followed by "<name> mailing list"), a SourceForge ad (20+ '-' then "This sf.net email is
//   sponsored by") or a "Yahoo! Groups Sponsor" line cut the rest of the body; the same stamps
//   quoted in a reply ("> ____") lose just their quoted lines;
// - in a message with list headers (List-*, Mailing-List, X-Mailing-List, X-BeenThere),
//   "[tag]" prefixes are removed from the subject ("Re: [ILUG] x" -> "Re: x"), and the body is
//   also cut, within its last 1500 bytes, at a line holding a list URL (/listinfo, /mailman/)
//   or at a separator line ("--", or 10+ of - _ = *) followed by text mentioning "mailing
//   list", "listinfo", "unsubscribe", "list maintainer" or "yahoo! groups".
#include <cstddef>
#include <string>
#include <string_view>

namespace attn::text {

struct EmailOptions {
  bool include_from = true;
  bool include_content_type = true;
  bool strip_list_marks = true;
  int max_depth = 8;           // nested multiparts / messages beyond this are read as plain text
  std::size_t max_parts = 256; // MIME parts read per message; later parts are ignored
};

// True if the document starts with a header block (after an optional mbox "From " line):
// at least two "Name: value" fields, one of them a message header (From, To, Subject, Date,
// Received, Return-Path, Message-Id, MIME-Version, Content-Type, Delivered-To, Reply-To).
bool looks_like_email(std::string_view document);

// Classifier text of a message; documents that do not look like email are returned unchanged.
std::string email_to_text(std::string_view document, const EmailOptions& options = {});

}  // namespace attn::text
