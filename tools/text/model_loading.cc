#include "model_loading.h"

#include <algorithm>

#include "attn/error.h"
#include "common/embedded_model.h"
#include "text_data.h"

namespace attn::tools::text {

attn::text::TextModel load_model(const std::string& path, std::span<const unsigned char> builtin) {
  return attn::text::load_text_model(open_model_or_builtin(path, builtin));
}

LabelIds label_ids_of(const std::vector<TextItem>& items,
                                               const std::vector<std::string>& labels) {
  std::vector<std::vector<int32_t>> ids(items.size());
  for (size_t i = 0; i < items.size(); ++i)
    for (const std::string& label : items[i].labels) {
      const auto it = std::find(labels.begin(), labels.end(), label);
      if (it == labels.end()) {
        std::string known;
        for (const auto& l : labels) known += (known.empty() ? "" : ", ") + l;
        throw Error(items[i].id + ": unknown label \"" + label + "\" (the model knows: " + known + ")");
      }
      ids[i].push_back(static_cast<int32_t>(it - labels.begin()));
    }
  return ids;
}

}  // namespace attn::tools::text
