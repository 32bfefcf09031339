#include "batch_runner.h"

#include <algorithm>

#include "attn/ops.h"
#include "attn/vision/heatmap.h"
#include "attn/data/input.h"
#include "image_data.h"

namespace attn::tools::image {
namespace {

constexpr int kBatchSize = 64;

}  // namespace

BatchRunner::BatchRunner(const vision::ImageModel& model, int attention_layer,
                         std::function<void(const ImageResult&)> emit)
    : model_(model), layer_(attention_layer), emit_(std::move(emit)) {}

void BatchRunner::run(const std::vector<std::string>& inputs, BatchErrors& errors, const Shard& shard) {
  const vision::ViTConfig& c = model_.vit->config();
  const std::vector<std::string> args = inputs.empty() ? std::vector<std::string>{"-"} : inputs;
  data::InputPaths paths(args);
  std::string path;
  for (int64_t item = 0; paths.next(path); ++item) {
    if (!shard.mine(item)) continue;
    errors.run(path, [&] {
      images_.push_back(load_image_file(path, c.image_size, c.channels, model_.input.fit));
      paths_.push_back(path);
    });
    if (static_cast<int>(images_.size()) >= kBatchSize || paths.would_block()) flush();  // results stream
  }
  flush();
}

void BatchRunner::flush() {
  const int B = static_cast<int>(images_.size());
  if (B == 0) return;
  const vision::ViT& vit = *model_.vit;
  const int K = vit.config().num_labels;
  const size_t n = images_.front().pixels.size();
  std::vector<float> x(n * B);
  for (int b = 0; b < B; ++b) vision::normalize(images_[b], model_.input.stats, x.data() + n * b);
  Tensor logits;
  vision::ViT::Cache cache;
  vit.forward(B, x.data(), logits, cache, {}, /*keep_activations=*/layer_ >= 0);
  std::vector<float> probs(size_t(B) * K);
  ops::softmax_rows(B, K, logits.data(), probs.data());
  for (int b = 0; b < B; ++b) {
    ImageResult r{paths_[b], &images_[b], {probs.begin() + b * K, probs.begin() + (b + 1) * K}, {}};
    if (layer_ >= 0)
      r.patches = vision::class_attention(vit.config().tokens(), vit.attention_maps(cache, b), layer_);
    emit_(r);
  }
  images_.clear();
  paths_.clear();
}

}  // namespace attn::tools::image
