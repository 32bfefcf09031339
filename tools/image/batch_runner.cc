#include "batch_runner.h"

#include "attn/vision/labelled_images.h"
#include "attn/vision/predict.h"
#include "common/item_batch.h"

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
      [&](const std::string& path) { batch_.add(path, vision::load_image_file(path, c.image_size, c.channels, model_.input.fit)); },
      [&] { batch_.flush(); });
  batch_.flush();
}

void BatchRunner::forward(const std::vector<std::string>& paths, const std::vector<vision::Image>& images) {
  vision::ImagePredictions p = vision::predict_images(model_, images, layer_);
  const size_t K = size_t(model_.vit->config().num_labels);
  for (size_t b = 0; b < images.size(); ++b) {
    ImageResult r{paths[b], &images[b], {p.probs.begin() + b * K, p.probs.begin() + (b + 1) * K}, {}};
    if (layer_ >= 0) r.patches = std::move(p.patches[b]);
    emit_(r);
  }
}

}  // namespace attn::tools::image
