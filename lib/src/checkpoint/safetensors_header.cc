#include "safetensors_header.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>

#include "attn/error.h"

namespace attn {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  throw Error(file + ": " + what);
}

// A JSON value as it appears in the file, cut short so a hostile header cannot flood the message.
std::string excerpt(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

std::optional<DType> parse_dtype(const std::string& text) {
  static const std::map<std::string, DType> known = {
      {"F64", DType::F64},  {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16},
      {"I64", DType::I64},  {"I32", DType::I32}, {"I16", DType::I16}, {"I8", DType::I8},
      {"U64", DType::U64},  {"U32", DType::U32}, {"U16", DType::U16}, {"U8", DType::U8},
      {"BOOL", DType::BOOL}};
  auto it = known.find(text);
  if (it == known.end()) return std::nullopt;
  return it->second;
}

// A JSON integer >= 0 (NumPy and Rust write non-negative integers; floats and negatives are bad).
std::optional<uint64_t> non_negative_integer(const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() >= 0)
    return static_cast<uint64_t>(value.get<int64_t>());
  return std::nullopt;
}

const json& field(const json& entry, const char* key, const std::string& file,
                  const std::string& context) {
  auto it = entry.find(key);
  if (it == entry.end()) fail(file, fmt::format("{}: missing field '{}'", context, key));
  return *it;
}

std::map<std::string, std::string> parse_metadata(const json& value, const std::string& file) {
  if (!value.is_object())
    fail(file,
         fmt::format("__metadata__ is not a JSON object of strings (found {})", excerpt(value)));
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string())
      fail(file,
           fmt::format("__metadata__ entry '{}' is not a string (found {})", key, excerpt(item)));
    metadata.emplace(key, item.get<std::string>());
  }
  return metadata;
}

TensorEntry parse_tensor_entry(const std::string& name, const json& entry, uint64_t data_size,
                               const std::string& file) {
  const std::string context = fmt::format("tensor '{}'", name);
  if (!entry.is_object())
    fail(file, fmt::format("{}: entry is not a JSON object (found {})", context, excerpt(entry)));

  const json& dtype_json = field(entry, "dtype", file, context);
  if (!dtype_json.is_string())
    fail(file, fmt::format("{}: dtype is not a string (found {})", context, excerpt(dtype_json)));
  const std::optional<DType> dtype = parse_dtype(dtype_json.get<std::string>());
  if (!dtype)
    fail(file, fmt::format("{}: unknown dtype '{}'", context, dtype_json.get<std::string>()));

  // Shape: the running product must fit in int64, exactly as shape_numel() computes it.
  const json& shape_json = field(entry, "shape", file, context);
  if (!shape_json.is_array())
    fail(file, fmt::format("{}: shape is not a list (found {})", context, excerpt(shape_json)));
  std::vector<int64_t> shape;
  int64_t numel = 1;
  for (const json& dim_json : shape_json) {
    const std::optional<uint64_t> dim = non_negative_integer(dim_json);
    if (!dim || *dim > static_cast<uint64_t>(INT64_MAX))
      fail(file, fmt::format("{}: shape {} is not a list of non-negative integers", context,
                             excerpt(shape_json)));
    shape.push_back(static_cast<int64_t>(*dim));
    if (__builtin_mul_overflow(numel, shape.back(), &numel))
      fail(file, fmt::format("{}: shape {} has too many elements", context, excerpt(shape_json)));
  }
  uint64_t byte_size = 0;
  if (__builtin_mul_overflow(static_cast<uint64_t>(numel), dtype_size(*dtype), &byte_size))
    fail(file, fmt::format("{}: shape {} has too many elements", context, excerpt(shape_json)));

  const json& offsets_json = field(entry, "data_offsets", file, context);
  std::optional<uint64_t> begin, end;
  if (offsets_json.is_array() && offsets_json.size() == 2) {
    begin = non_negative_integer(offsets_json[0]);
    end = non_negative_integer(offsets_json[1]);
  }
  if (!begin || !end)
    fail(file,
         fmt::format("{}: data_offsets {} is not a pair of non-negative integers [begin, end]",
                     context, excerpt(offsets_json)));
  if (*begin > *end)
    fail(file,
         fmt::format("{}: data_offsets [{}, {}] end before they begin", context, *begin, *end));
  if (*end > data_size)
    fail(file, fmt::format("{}: data_offsets [{}, {}] run past the end of the file ({} bytes of "
                           "data)",
                           context, *begin, *end, data_size));
  if (*end - *begin != byte_size)
    fail(file, fmt::format("{}: data_offsets [{}, {}] hold {} bytes but shape {} of {} needs {}",
                           context, *begin, *end, *end - *begin, format_shape(shape),
                           dtype_name(*dtype), byte_size));
  return TensorEntry{*dtype, std::move(shape), *begin, *end};
}

// No two tensors may share a byte (empty tensors occupy none).
void check_no_overlap(const std::map<std::string, TensorEntry>& tensors, const std::string& file) {
  std::vector<std::pair<const std::string*, const TensorEntry*>> ranges;
  for (const auto& [name, entry] : tensors)
    if (entry.end > entry.begin) ranges.emplace_back(&name, &entry);
  std::sort(ranges.begin(), ranges.end(),
            [](const auto& a, const auto& b) { return a.second->begin < b.second->begin; });
  for (size_t i = 1; i < ranges.size(); ++i) {
    const auto& [prev_name, prev] = ranges[i - 1];
    const auto& [name, entry] = ranges[i];
    if (entry->begin < prev->end)
      fail(file, fmt::format("tensors '{}' [{}, {}] and '{}' [{}, {}] overlap", *prev_name,
                             prev->begin, prev->end, *name, entry->begin, entry->end));
  }
}

// nlohmann::json keeps the last of two equal keys; a file naming a tensor twice is ambiguous,
// so the parser callback records top-level keys and reports the first repeat.
json parse_json_object(std::string_view text, const std::string& file) {
  std::set<std::string> seen;
  std::optional<std::string> repeated;
  auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && !repeated &&
        !seen.insert(parsed.get<std::string>()).second)
      repeated = parsed.get<std::string>();
    return true;
  };
  json header;
  try {
    header = json::parse(text.begin(), text.end(), on_event);
  } catch (const json::exception& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line 1, column 9: ...".
    std::string reason = e.what();
    const size_t bracket = reason.find("] ");
    if (bracket != std::string::npos) reason = reason.substr(bracket + 2);
    fail(file, "header is not valid JSON: " + reason);
  }
  if (!header.is_object())
    fail(file, fmt::format("header is not a JSON object (found {})", excerpt(header)));
  if (repeated) fail(file, fmt::format("header names '{}' twice", *repeated));
  return header;
}

}  // namespace

std::string format_shape(const std::vector<int64_t>& shape) {
  return fmt::format("({})", fmt::join(shape, ", "));
}

SafeTensorsHeader parse_safetensors_header(const uint8_t* bytes, size_t size,
                                           const std::string& file) {
  if (size < 8)
    fail(file, fmt::format("file is {} bytes, too short for a safetensors file (the header "
                           "length alone takes 8)",
                           size));
  uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | bytes[i];
  if (header_length > kMaxSafeTensorsHeaderBytes)
    fail(file, fmt::format("header length {} is above the limit of {} bytes (not a safetensors "
                           "file?)",
                           header_length, kMaxSafeTensorsHeaderBytes));
  if (header_length > size - 8)
    fail(file, fmt::format("header length {} runs past the end of the file ({} bytes)",
                           header_length, size));

  SafeTensorsHeader result;
  result.data_start = 8 + header_length;
  const uint64_t data_size = size - result.data_start;
  const json header = parse_json_object(
      std::string_view(reinterpret_cast<const char*>(bytes) + 8, header_length), file);
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__")
      result.metadata = parse_metadata(entry, file);
    else
      result.tensors.emplace(name, parse_tensor_entry(name, entry, data_size, file));
  }
  check_no_overlap(result.tensors, file);
  return result;
}

}  // namespace attn
