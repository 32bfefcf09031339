#pragma once
// A stream whose first bytes were already read: reading the returned FILE* gives `prefix` and
// then the rest of `rest`. Lets a reader look at the start of a pipe (stdin cannot seek back)
// before deciding how to parse it. fclose() on the result frees the prefix and leaves `rest`
// open.
#include <cstddef>
#include <cstdio>
#include <string>

namespace attn::data {

// Reads from `in` up to and including the first '\n', at most max_bytes (fewer at EOF).
std::string read_head(std::FILE* in, size_t max_bytes);
// A FILE* that replays `prefix`, then reads `rest`. Throws attn::Error if it cannot be made.
std::FILE* replay_stream(std::string prefix, std::FILE* rest);

}  // namespace attn::data
