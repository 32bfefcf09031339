#pragma once
#include <span>
#include <string>

#include "attn/text/model_file.h"
#include "attn/train/classify.h"

namespace attn::tools::text {

// --model PATH, or the built-in model when PATH is empty; validated (task, config, tensors).
attn::text::TextModel load_model(const std::string& path, std::span<const unsigned char> builtin);

// Label ids of each item's labels; an unknown label is an error naming the item.
LabelIds label_ids_of(const std::vector<struct TextItem>& items,
                                               const std::vector<std::string>& labels);

}  // namespace attn::tools::text
