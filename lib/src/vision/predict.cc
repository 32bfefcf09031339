#include "attn/vision/predict.h"

#include "attn/ops.h"
#include "attn/vision/heatmap.h"
#include "attn/vision/normalize.h"
#include "attn/vision/test_shift.h"

namespace attn::vision {

ImagePredictions predict_images(const ImageModel& model, const std::vector<Image>& images, int attention_layer) {
  const int B = static_cast<int>(images.size());
  const ViT& vit = *model.vit;
  const int K = vit.config().num_labels;
  ImagePredictions out;
  if (B == 0) return out;
  const size_t n = images.front().pixels.size();
  std::vector<float> x(n * B);
  for (int b = 0; b < B; ++b) normalize(images[b], model.input.stats, x.data() + n * b);
  out.probs.resize(size_t(B) * K);
  const bool averaged = !model.input.test_views.plain();
  if (averaged)  // attention maps come from the unmoved image below
    view_mean_probs(vit, B, x.data(), normalised_black(model.input.stats), model.input.test_views, out.probs.data());
  if (attention_layer < 0 && averaged) return out;
  Tensor logits;
  ViT::Cache cache;
  vit.forward(B, x.data(), logits, cache, {}, /*keep_activations=*/attention_layer >= 0);
  if (!averaged) ops::softmax_rows(B, K, logits.data(), out.probs.data());
  if (attention_layer >= 0)
    for (int b = 0; b < B; ++b)
      out.patches.push_back(class_attention(vit.config().tokens(), vit.attention_maps(cache, b), attention_layer,
                                            vit.readout_weights(cache, b)));
  return out;
}

std::vector<ImagePrediction> predict_each_image(const ImageModel& model, const std::vector<Image>& images,
                                                int attention_layer) {
  ImagePredictions p = predict_images(model, images, attention_layer);
  const size_t K = size_t(model.vit->config().num_labels);
  std::vector<ImagePrediction> out(images.size());
  for (size_t b = 0; b < images.size(); ++b) {
    out[b].probs.assign(p.probs.begin() + b * K, p.probs.begin() + (b + 1) * K);
    if (attention_layer >= 0) out[b].patches = std::move(p.patches[b]);
  }
  return out;
}

}  // namespace attn::vision
