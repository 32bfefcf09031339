#pragma once
// --class-weight none|balanced|FILE: the per-label loss weights train passes to the classifier
// (attn::ClassifyConfig::class_weights).
//   none      no weights (empty: every label 1)
//   balanced  inverse label frequency in the training data, n / (K * count)
//   FILE      lines "label<TAB>weight"; labels not in the file get 1. A label the training
//             data lacks, a weight that is not a finite number >= 0, or a line without a TAB is
//             an attn::Error naming FILE:line.
#include <string>
#include <vector>

#include "attn/train/classify.h"

namespace attn::tools {

std::vector<float> class_weights(const std::string& spec, const std::vector<std::string>& labels,
                                 const LabelIds& train_labels);
// The same for items of one label each (label ids).
std::vector<float> class_weights(const std::string& spec, const std::vector<std::string>& labels,
                                 const std::vector<int32_t>& train_labels);

}  // namespace attn::tools
