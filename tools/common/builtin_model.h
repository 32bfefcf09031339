#pragma once
// The tool's compiled-in default model (see embedded_model.h), for the executable's own sources
// only (not attn_tools_common): ATTN_EMBEDDED_DEFAULT_MODEL is defined for the tool's target.
#include <span>

#ifdef ATTN_EMBEDDED_DEFAULT_MODEL
#include "attn_embedded/default_model.h"
#endif

namespace attn::tools {
namespace {

std::span<const unsigned char> builtin_default_model() {
#ifdef ATTN_EMBEDDED_DEFAULT_MODEL
  return attn::embedded::default_model();
#else
  return {};  // built without assets/models: every command then needs --model
#endif
}

}  // namespace
}  // namespace attn::tools
