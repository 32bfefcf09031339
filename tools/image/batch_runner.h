#pragma once
// predict's and attention's shared loop: image paths in, batches of decoded images through the
// model, one result per readable image, in input order. Bad files are BatchErrors items.
#include <functional>
#include <string>
#include <vector>

#include "attn/vision/model_file.h"
#include "common/batch_errors.h"
#include "common/item_batch.h"
#include "common/predict_kit.h"

namespace attn::tools::image {

struct ImageResult {
  std::string path;
  const vision::Image* image;  // fitted to the model's input
  std::vector<float> probs;    // (K)
  std::vector<float> patches;  // class-token attention per patch (grid x grid), when asked for
};

class BatchRunner {
 public:
  // attention_layer: -1 no attention; 0 rollout over all layers; k: layer k alone.
  BatchRunner(const vision::ImageModel& model, int attention_layer,
              std::function<void(const ImageResult&)> emit);
  // Reads every path ("-": paths on stdin), batch by batch; with a shard, only its paths.
  void run(const std::vector<std::string>& inputs, BatchErrors& errors, const Shard& shard = {});

 private:
  void forward(const std::vector<std::string>& paths, const std::vector<vision::Image>& images);
  const vision::ImageModel& model_;
  int layer_;
  std::function<void(const ImageResult&)> emit_;
  ItemBatch<vision::Image> batch_;
};

}  // namespace attn::tools::image
