#include "model_loading.h"

#include "common/labels.h"
#include "common/embedded_model.h"
#include "text_data.h"

namespace attn::tools::text {

attn::text::TextModel load_model(const std::string& path, std::span<const unsigned char> builtin) {
  return attn::text::load_text_model(open_model_or_builtin(path, builtin));
}

LabelIds label_ids_of(const std::vector<TextItem>& items, const std::vector<std::string>& labels) {
  const LabelIndex index(labels);
  std::vector<std::vector<int32_t>> ids(items.size());
  for (size_t i = 0; i < items.size(); ++i)
    for (const std::string& label : items[i].labels) ids[i].push_back(index.id(label, items[i].id));
  return ids;
}

}  // namespace attn::tools::text
