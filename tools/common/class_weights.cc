#include "attn/data/labels.h"
#include "common/class_weights.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "attn/data/input.h"
#include "attn/error.h"
#include "attn/text/utf8.h"

namespace attn::tools {
namespace {

std::vector<float> read_weight_file(const std::string& path, const std::vector<std::string>& labels) {
  std::vector<float> weights(labels.size(), 1.0f);
  const data::LabelIndex index(labels);
  data::LineReader reader(path);
  std::string line;
  while (reader.next(line)) {
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos)
      throw Error(reader.where() + ": expected label<TAB>weight");
    const std::string label = line.substr(0, tab), value = line.substr(tab + 1);
    const int32_t id = index.id(label, reader.where());
    float w = 0.0f;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), w);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(w) || w < 0.0f)
      throw Error(fmt::format("{}: weight \"{}\" is not a number >= 0", reader.where(),
                              text::sanitize_utf8(value)));
    weights[id] = w;
  }
  return weights;
}

}  // namespace

std::vector<float> class_weights(const std::string& spec, const std::vector<std::string>& labels,
                                 const LabelIds& train_labels) {
  if (spec == "none") return {};
  if (spec == "balanced") return balanced_class_weights(train_labels, static_cast<int>(labels.size()));
  return read_weight_file(spec, labels);
}

std::vector<float> class_weights(const std::string& spec, const std::vector<std::string>& labels,
                                 const std::vector<int32_t>& train_labels) {
  LabelIds ids;
  for (int32_t l : train_labels) ids.push_back({l});
  return class_weights(spec, labels, ids);
}

}  // namespace attn::tools
