#include <fmt/format.h>

#include <cstdint>

#include "attn/error.h"
#include "attn/text/tokenizer_config.h"
#include "tokenizer_json.h"

namespace attn::text {
namespace {

void check_range(int value, int lo, int hi, const char* field) {
  if (value < lo || value > hi)
    throw Error(fmt::format("tokenizer config: {} = {} is out of range [{}, {}]", field, value, lo, hi));
}

}  // namespace

void validate(const TokenizerConfig& c) {
  constexpr int kBig = 1 << 30;
  check_range(c.min_count, 1, kBig, "min_count");
  check_range(c.max_words, 0, kBig, "max_words");
  check_range(c.max_len, 2, 1 << 20, "max_len");
  check_range(c.ngram_min, 1, 64, "ngram_min");
  check_range(c.ngram_max, 0, 64, "ngram_max");
  if (c.ngram_max != 0 && c.ngram_max < c.ngram_min)
    throw Error(fmt::format("tokenizer config: ngram_max = {} is below ngram_min = {} (0 disables n-grams)",
                            c.ngram_max, c.ngram_min));
  check_range(c.buckets, 0, kBig, "buckets");
  check_range(c.max_word_bytes, 4, 1 << 16, "max_word_bytes");
  check_range(c.number_max_digits, 0, 1 << 16, "number_max_digits");
}

std::string to_string(Truncation t) { return t == Truncation::kHead ? "head" : "head_tail"; }

Truncation truncation_from_string(std::string_view s) {
  if (s == "head") return Truncation::kHead;
  if (s == "head_tail") return Truncation::kHeadTail;
  throw Error(fmt::format("tokenizer config: truncation \"{}\" is not one of head, head_tail", s));
}

namespace detail {

nlohmann::json config_to_json(const TokenizerConfig& c) {
  return nlohmann::json{{"lowercase", c.lowercase},
                        {"min_count", c.min_count},
                        {"max_words", c.max_words},
                        {"max_len", c.max_len},
                        {"truncation", to_string(c.truncation)},
                        {"ngram_min", c.ngram_min},
                        {"ngram_max", c.ngram_max},
                        {"buckets", c.buckets},
                        {"max_word_bytes", c.max_word_bytes},
                        {"number_max_digits", c.number_max_digits}};
}

TokenizerConfig config_from_json(const nlohmann::json& j, std::string_view where) {
  if (!j.is_object()) throw Error(fmt::format("{}: expected a JSON object", where));
  const auto field = [&](const char* name) -> const nlohmann::json& {
    const auto it = j.find(name);
    if (it == j.end()) throw Error(fmt::format("{}: missing field \"{}\"", where, name));
    return *it;
  };
  const auto get_int = [&](const char* name) {
    const auto& v = field(name);
    if (!v.is_number_integer() || v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)
      throw Error(fmt::format("{}: field \"{}\" must be an integer", where, name));
    return static_cast<int>(v.get<int64_t>());
  };
  TokenizerConfig c;
  const auto& lower = field("lowercase");
  if (!lower.is_boolean()) throw Error(fmt::format("{}: field \"lowercase\" must be true or false", where));
  c.lowercase = lower.get<bool>();
  c.min_count = get_int("min_count");
  c.max_words = get_int("max_words");
  c.max_len = get_int("max_len");
  const auto& trunc = field("truncation");
  if (!trunc.is_string()) throw Error(fmt::format("{}: field \"truncation\" must be a string", where));
  c.truncation = truncation_from_string(trunc.get<std::string>());
  c.ngram_min = get_int("ngram_min");
  c.ngram_max = get_int("ngram_max");
  c.buckets = get_int("buckets");
  c.max_word_bytes = get_int("max_word_bytes");
  c.number_max_digits = get_int("number_max_digits");
  validate(c);
  return c;
}

}  // namespace detail

std::string tokenizer_config_to_json(const TokenizerConfig& config) {
  return detail::config_to_json(config).dump();
}

TokenizerConfig tokenizer_config_from_json(std::string_view json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("tokenizer config: not valid JSON (error at byte {})", e.byte));
  }
  return detail::config_from_json(j, "tokenizer config");
}

}  // namespace attn::text
