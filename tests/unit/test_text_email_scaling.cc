// The email reader's work grows linearly with the document. Linear code reads these inputs in
// about a second; quadratic code needs minutes to hours, far past this test's CTest time limit
// (tests/CMakeLists.txt), so the test fails on quadratic code without timing anything itself.
#include <doctest/doctest.h>

#include <string>

#include "attn/text/email.h"
#include "attn/text/mime.h"
#include "attn/data/input.h"

using namespace attn::text;

namespace {

std::string repeat_to_size(std::string_view piece, std::size_t size) {
  std::string out;
  out.reserve(size);
  while (out.size() + piece.size() <= size) out += piece;
  return out;
}

}  // namespace

TEST_CASE("email scaling: a Subject of unknown-encoding words closed once at the end") {
  // Every "=?a?Z?" opening used to search the rest of the header for its "?=".
  // 10 MiB, the document size limit: quadratic code takes hours.
  const std::string words = repeat_to_size("=?a?Z?b", attn::data::kMaxDocumentBytes - 64);
  CHECK(decode_header_words(words + "?=") == words + "?=");
  const std::string text = email_to_text("From: a@b.example\nSubject: " + words + "?=\n\nbody\n");
  CHECK(text.starts_with("subject: =?a?Z?b=?a?Z?b"));
  CHECK(text.ends_with("body:\nbody"));
}

TEST_CASE("email scaling: a body of many PGP signature blocks") {
  // Each block used to be replaced in place, shifting the rest of the body every time. The
  // shifts are fast memory moves (10 MiB took 15 s), so the body is 40 MiB: minutes that way.
  const std::string block = "-----BEGIN PGP SIGNATURE----------END PGP SIGNATURE-----\n";
  const std::string body = repeat_to_size(block, std::size_t{40} << 20);
  const std::string text = email_to_text("From: a@b.example\nSubject: signed\n\n" + body);
  const std::string marker = "\npart: application/pgp-signature";
  std::size_t markers = 0;
  for (std::size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) ++markers;
  CHECK(markers == body.size() / block.size());
  CHECK(text.starts_with("subject: signed\n"));
  CHECK(text.ends_with(marker));
}
