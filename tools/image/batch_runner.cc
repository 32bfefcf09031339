#include "batch_runner.h"

#include <algorithm>

#include "attn/ops.h"
#include "attn/vision/heatmap.h"
#include "common/item_batch.h"
#include "image_data.h"

namespace attn::tools::image {
namespace {

constexpr int kBatchSize = 64;

}  // namespace

BatchRunner::BatchRunner(const vision::ImageModel& model, int attention_layer,
                         std::function<void(const ImageResult&)> emit)
    : model_(model),
      layer_(attention_layer),
      emit_(std::move(emit)),
      batch_(kBatchSize, [this](std::vector<std::string>& paths, std::vector<vision::Image>& images) {
        forward(paths, images);
      }) {}

void BatchRunner::run(const std::vector<std::string>& inputs, BatchErrors& errors, const Shard& shard) {
  const vision::ViTConfig& c = model_.vit->config();
  each_input_path(
      inputs, shard, errors,
      [&](const std::string& path) { batch_.add(path, load_image_file(path, c.image_size, c.channels, model_.input.fit)); },
      [&] { batch_.flush(); });
  batch_.flush();
}

void BatchRunner::forward(const std::vector<std::string>& paths, const std::vector<vision::Image>& images) {
  const int B = static_cast<int>(images.size());
  const vision::ViT& vit = *model_.vit;
  const int K = vit.config().num_labels;
  const size_t n = images.front().pixels.size();
  std::vector<float> x(n * B);
  for (int b = 0; b < B; ++b) vision::normalize(images[b], model_.input.stats, x.data() + n * b);
  Tensor logits;
  vision::ViT::Cache cache;
  vit.forward(B, x.data(), logits, cache, {}, /*keep_activations=*/layer_ >= 0);
  std::vector<float> probs(size_t(B) * K);
  ops::softmax_rows(B, K, logits.data(), probs.data());
  for (int b = 0; b < B; ++b) {
    ImageResult r{paths[b], &images[b], {probs.begin() + b * K, probs.begin() + (b + 1) * K}, {}};
    if (layer_ >= 0)
      r.patches = vision::class_attention(vit.config().tokens(), vit.attention_maps(cache, b), layer_);
    emit_(r);
  }
}

}  // namespace attn::tools::image
