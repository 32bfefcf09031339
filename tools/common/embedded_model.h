#pragma once
// The default model compiled into an executable, so `predict` without --model works from any
// directory. tools/common/EmbedFile.cmake provides
//   attn_embed_file(<target> <symbol> <file>)
// which compiles <file> into <target> (an assembler .incbin: an 8 MB model costs nothing at
// configure time) and generates the header "attn_embedded/<symbol>.h" declaring
//   std::span<const unsigned char> attn::embedded::<symbol>();
// (64-byte aligned, followed by one NUL byte that the span does not include), and defines
// ATTN_EMBEDDED_<SYMBOL> (upper case) for the target. Changing <file> recompiles one generated
// source and relinks. <file> must exist when CMake runs: a tool's CMakeLists calls
// attn_embed_file only inside if(EXISTS ...) (re-run cmake after adding the model), and main.cc
// guards its use:
//   #ifdef ATTN_EMBEDDED_DEFAULT_MODEL
//   #include "attn_embedded/default_model.h"
//   static std::span<const unsigned char> builtin_model() { return attn::embedded::default_model(); }
//   #else
//   static std::span<const unsigned char> builtin_model() { return {}; }
//   #endif
#include <span>
#include <string>

#include "attn/checkpoint.h"

namespace attn::tools {

// What messages call the built-in model, e.g. "default model (built in): tensor 'x': ...".
inline constexpr const char* kBuiltinModelName = "default model (built in)";

// The model at `path` (--model) when it is not empty, else the built-in one. With neither,
// throws UsageError: "no --model given, and this build has no default model".
SafeTensorsFile open_model_or_builtin(const std::string& path, std::span<const unsigned char> builtin);

}  // namespace attn::tools
