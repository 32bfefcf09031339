#include "attn/data/replay_stream.h"

#include <cstring>

#include "attn/error.h"

namespace attn::data {

namespace {

struct Replay {
  std::string prefix;
  size_t at = 0;
  std::FILE* rest;
};

ssize_t replay_read(void* cookie, char* buf, size_t size) {
  auto* r = static_cast<Replay*>(cookie);
  if (r->at < r->prefix.size()) {
    const size_t n = std::min(size, r->prefix.size() - r->at);
    std::memcpy(buf, r->prefix.data() + r->at, n);
    r->at += n;
    return ssize_t(n);
  }
  const size_t n = std::fread(buf, 1, size, r->rest);
  return n == 0 && std::ferror(r->rest) ? -1 : ssize_t(n);
}

int replay_close(void* cookie) {
  delete static_cast<Replay*>(cookie);
  return 0;
}

}  // namespace

std::string read_head(std::FILE* in, size_t max_bytes) {
  std::string head;
  for (int c; head.size() < max_bytes && (c = std::fgetc(in)) != EOF;) {
    head.push_back(char(c));
    if (c == '\n') break;
  }
  return head;
}

std::FILE* replay_stream(std::string prefix, std::FILE* rest) {
  auto* r = new Replay{std::move(prefix), 0, rest};
  cookie_io_functions_t io{};
  io.read = replay_read;
  io.close = replay_close;
  std::FILE* f = fopencookie(r, "r", io);
  if (!f) {
    delete r;
    throw Error("cannot open a stream over stdin");
  }
  return f;
}

}  // namespace attn::data
