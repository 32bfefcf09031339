#include <doctest/doctest.h>

#include <string>

#include "attn/text/email.h"
#include "attn/text/html.h"
#include "attn/text/mime.h"

using namespace attn::text;

TEST_CASE("mime: quoted-printable") {
  CHECK(decode_quoted_printable("caf=E9 =3D ok") == "caf\xE9 = ok");
  CHECK(decode_quoted_printable("soft=\r\nbreak and=  \nspaces") == "softbreak andspaces");
  CHECK(decode_quoted_printable("lower=e9 stray= =ZZ end=") == "lower\xE9 stray= =ZZ end");
  CHECK(decode_quoted_printable("a_b=5F", true) == "a b_");
  CHECK(decode_quoted_printable("=") == "");
  CHECK(decode_quoted_printable("=4") == "=4");
}

TEST_CASE("mime: base64") {
  CHECK(decode_base64("SGVsbG8sIHdvcmxkIQ==") == "Hello, world!");
  CHECK(decode_base64("SGVs\r\nbG8s IHdv\ncmxk") == "Hello, world");
  CHECK(decode_base64("SGVsbG8*#!") == "Hello");
  CHECK(decode_base64("S") == "");
  CHECK(decode_base64("") == "");
}

TEST_CASE("mime: charsets and RFC 2047 header words") {
  CHECK(charset_to_utf8("caf\xE9", "ISO-8859-1") == "café");
  CHECK(charset_to_utf8("\x93quoted\x94 \x80", "windows-1252") == "\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC");
  CHECK(charset_to_utf8("café", "iso-8859-1") == "café");  // already UTF-8: mislabelled, kept
  CHECK(charset_to_utf8("caf\xE9", "") == "café");
  CHECK(charset_to_utf8("\xC4\xE3", "gb2312") == "\xC4\xE3");  // other charsets pass through
  CHECK(decode_header_words("=?iso-8859-1?Q?caf=E9_cr=E8me?=") == "café crème");
  CHECK(decode_header_words("=?UTF-8?B?w6l0w6k=?= =?utf-8?q?_ok?= tail") == "été ok tail");
  CHECK(decode_header_words("plain =?x?Z?bad?= =?broken") == "plain =?x?Z?bad?= =?broken");
  CHECK(decode_header_words("raw \xE9") == "raw é");
}

TEST_CASE("html: tags, entities, scripts, comments") {
  CHECK(html_to_text("<html><head><title>T</title><style>p{color:red}</style></head>"
                     "<body><p>Hello <b>wo</b>rld &amp; &lt;you&gt;!</p><br>Line&nbsp;two"
                     "<!-- hidden --><script>alert('x')</script>&copy;&#65;&#x42;&unknown; a < b</body></html>") ==
        "T\nHello world & <you>!\nLine two\xC2\xA9" "AB&unknown; a < b");
  CHECK(html_to_text("<a href=\"http://x\">click here</a>") == "click here");
  CHECK(html_to_text("<p>unclosed <b") == "unclosed");
  CHECK(html_to_text("<script>never closed") == "");
  CHECK(html_to_text("&#0; &#99999999; &amp") == "\xEF\xBF\xBD \xEF\xBF\xBD &");
  CHECK(collapse_whitespace("  a \t b \n\n c  ") == "a b\nc");
}

TEST_CASE("email: headers, From summary, ignored routing headers") {
  const std::string msg =
      "From spammer@example.com  Mon Jun 24 17:03:24 2002\n"
      "Received: from mail.example.com by relay\n"
      "    with SMTP id 123\n"
      "Message-Id: <abc@example.com>\n"
      "List-Id: <ilug.linux.ie>\n"
      "From: \"Joe Seller\" <joe@Example.COM>\n"
      "Subject: Re: [ILUG] Great\n"
      "  offer\n"
      "Content-Type: text/plain; charset=\"us-ascii\"\n"
      "\n"
      "Hello there.\n";
  CHECK(looks_like_email(msg));
  CHECK(email_to_text(msg) ==
        "subject: Re: Great offer\nfrom: Joe Seller example.com\ncontent-type: text/plain; charset=us-ascii\n"
        "body:\nHello there.");
  EmailOptions bare;
  bare.include_from = false;
  bare.include_content_type = false;
  bare.strip_list_marks = false;
  CHECK(email_to_text(msg, bare) == "subject: Re: [ILUG] Great offer\nbody:\nHello there.");
  CHECK(email_to_text("Subject: x\nFrom: a@b.org (Ann)\n\nbody") ==
        "subject: x\nfrom: Ann b.org\ncontent-type: text/plain\nbody:\nbody");
}

TEST_CASE("email: non-email documents pass through unchanged") {
  CHECK(!looks_like_email("Dear friend,\nI am a prince.\n"));
  CHECK(email_to_text("Dear friend,\nI am a prince.\n") == "Dear friend,\nI am a prince.\n");
  CHECK(!looks_like_email("Note: a single field is not an email\n\ntext"));
  CHECK(!looks_like_email("Title: x\nAuthor: y\n\ntext"));  // no message header among them
  CHECK(email_to_text("") == "");
}

TEST_CASE("email: quoted-printable and base64 bodies, HTML") {
  const std::string qp =
      "From: a@b.com\nSubject: =?iso-8859-1?Q?Gr=FC=DFe?=\n"
      "Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
      "<p>Caf=E9 <b>special</b>=\n offer</p><p>&euro;5</p>\n";
  CHECK(email_to_text(qp) ==
        "subject: Grüße\nfrom: b.com\ncontent-type: text/html; charset=iso-8859-1\nbody:\nCafé special offer\n€5");
  const std::string b64 =
      "From: a@b.com\nSubject: s\nContent-Transfer-Encoding: base64\n\nSGVsbG8sIHdvcmxkIQ==\n";
  CHECK(email_to_text(b64) == "subject: s\nfrom: b.com\ncontent-type: text/plain\nbody:\nHello, world!");
  const std::string html_as_plain = "From: a@b.com\nSubject: s\n\n<html><body>Hi <i>you</i></body></html>";
  CHECK(email_to_text(html_as_plain) == "subject: s\nfrom: b.com\ncontent-type: text/plain\nbody:\nHi you");
}

TEST_CASE("email: multipart walking") {
  const std::string msg =
      "From: a@b.com\nSubject: s\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"OUTER\"\n\n"
      "This is the preamble.\n"
      "--OUTER\n"
      "Content-Type: multipart/alternative; boundary=INNER\n\n"
      "--INNER\n"
      "Content-Type: text/plain\n\n"
      "plain version\n"
      "--INNER\n"
      "Content-Type: text/html\n\n"
      "<p>html version</p>\n"
      "--INNER--\n"
      "--OUTER\n"
      "Content-Type: text/html; charset=utf-8\n"
      "Content-Transfer-Encoding: base64\n\n"
      "PGI+c2Vjb25kPC9iPiBwYXJ0\n"
      "--OUTER\n"
      "Content-Type: image/gif; name=x.gif\n"
      "Content-Transfer-Encoding: base64\n\n"
      "R0lGODlhAQABAAAAACw=\n"
      "--OUTER\n"
      "Content-Type: message/rfc822\n\n"
      "Subject: inner message\nFrom: c@d.com\n\ninner body\n"
      "--OUTER--\n"
      "epilogue is ignored\n";
  CHECK(email_to_text(msg) ==
        "subject: s\nfrom: b.com\ncontent-type: multipart/mixed\nbody:\n"
        "plain version\nsecond part\npart: image/gif\nsubject: inner message\ninner body");

  const std::string only_html =
      "From: a@b.com\nSubject: s\nContent-Type: multipart/alternative; boundary=B\n\n"
      "--B\nContent-Type: text/html\n\n<p>only html</p>\n--B--\n";
  CHECK(email_to_text(only_html).ends_with("body:\nonly html"));
}

TEST_CASE("email: malformed messages degrade gracefully") {
  // Boundary declared but never used: the body is read as text.
  CHECK(email_to_text("From: a@b.com\nSubject: s\nContent-Type: multipart/mixed; boundary=NOPE\n\nhello\n")
            .ends_with("body:\nhello"));
  // No boundary parameter.
  CHECK(email_to_text("From: a@b.com\nSubject: s\nContent-Type: multipart/mixed\n\nhello\n").ends_with("body:\nhello"));
  // Unclosed multipart.
  CHECK(email_to_text("From: a@b.com\nSubject: s\nContent-Type: multipart/mixed; boundary=B\n\n--B\n\nfirst\n--B\n\nsecond")
            .ends_with("body:\nfirst\nsecond"));
  // Header block without a blank line before the body.
  CHECK(email_to_text("From: a@b.com\nSubject: s\nthis line starts the body\n").ends_with("body:\nthis line starts the body"));
  // Headers only.
  CHECK(email_to_text("From: a@b.com\nSubject: s\n") == "subject: s\nfrom: b.com\ncontent-type: text/plain\nbody:\n");
  // Nesting deeper than max_depth is read as text instead of recursing.
  std::string deep = "From: a@b.com\nSubject: s\nContent-Type: multipart/mixed; boundary=B0\n\n";
  for (int i = 1; i < 20; ++i)
    deep += "--B" + std::to_string(i - 1) + "\nContent-Type: multipart/mixed; boundary=B" + std::to_string(i) + "\n\n";
  deep += "--B19\n\nleaf\n";
  EmailOptions o;
  o.max_depth = 4;
  CHECK(email_to_text(deep, o).find("leaf") != std::string::npos);
  // Invalid UTF-8 in a UTF-8 part becomes U+FFFD: the output is always valid UTF-8.
  CHECK(email_to_text("From: a@b.com\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\nbad \xFF")
            .ends_with("bad \xEF\xBF\xBD"));
}

TEST_CASE("email: list footers, PGP signatures") {
  const std::string list_mail =
      "From: a@b.com\nSubject: [SAtalk] hello\nList-Id: <x>\n\n"
      "Real text.\n"
      "> quoted reply\n"
      "> _______________________________________________\n"
      "> Foo mailing list\n"
      "> Foo@lists.example.com\n"
      "\n"
      "My answer.\n"
      "-----BEGIN PGP SIGNATURE-----\nabcDEF123\n-----END PGP SIGNATURE-----\n"
      "-------------------------------------------------------\n"
      "This sf.net email is sponsored by: ThinkGeek\n"
      "_______________________________________________\n"
      "Foo mailing list\nhttps://lists.example.com/listinfo/foo\n";
  CHECK(email_to_text(list_mail) ==
        "subject: hello\nfrom: b.com\ncontent-type: text/plain\nbody:\n"
        "Real text.\n> quoted reply\nMy answer.\npart: application/pgp-signature");
  // Not list mail: only list software stamps are removed, an "unsubscribe" footer stays.
  const std::string spam =
      "From: a@b.com\nSubject: [promo] deal\n\nBuy!\n----------\nTo unsubscribe reply REMOVE\n";
  CHECK(email_to_text(spam) ==
        "subject: [promo] deal\nfrom: b.com\ncontent-type: text/plain\nbody:\nBuy!\n----------\nTo unsubscribe reply REMOVE");
  // List mail: the broad rule cuts at the separator.
  const std::string list_spam =
      "From: a@b.com\nSubject: deal\nList-Post: <x>\n\nBuy!\n--\nTo unsubscribe reply REMOVE\n";
  CHECK(email_to_text(list_spam).ends_with("body:\nBuy!"));
}
