#pragma once
// Private: TokenizerConfig <-> nlohmann::json, shared by tokenizer_config.cc and tokenizer.cc.
#include <nlohmann/json.hpp>
#include <string_view>

#include "attn/text/tokenizer_config.h"

namespace attn::text::detail {

nlohmann::json config_to_json(const TokenizerConfig& config);
// `where` prefixes error messages, e.g. "tokenizer: config".
TokenizerConfig config_from_json(const nlohmann::json& j, std::string_view where);

}  // namespace attn::text::detail
