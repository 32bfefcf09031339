#include "attn/vision/train_setup.h"

#include "attn/vision/vit_defaults.h"

namespace attn::vision {

ImageSummary summarize_training(const ImageSource& source, const data::BadItemHandler& on_bad_item) {
  ImageSummary s = summarize(source, on_bad_item);
  check_readable(s.count, source);
  return s;
}

void keep_saved_input(const ImageModel& saved, TrainSettings& s) {
  const ViTConfig& c = saved.vit->config();
  s.image_size = c.image_size, s.channels = c.channels, s.patch = c.patch;
  s.fit = saved.input.fit;
}

void derive_settings(const ImageSummary& summary, const GivenSetting& given, TrainSettings& s, int& epochs,
                     int& batch_size) {
  const ViTDefaults d = vit_defaults(summary, s.image_size);
  AugmentConfig& g = s.train.augment;
  if (!s.channels) s.channels = d.channels;
  s.image_size = d.image_size;
  if (!s.patch) s.patch = d.patch;
  if (!given("stem")) s.model.stem = default_stem(s.patch);
  if (!given("crop-padding")) g.crop_padding = d.crop_padding;
  if (s.test_shift < 0) s.test_shift = default_test_shift(g.crop_padding);
  if (!given("erase")) g.erase_prob = d.erase_prob;
  if (!given("drop-path")) s.model.drop_path = d.drop_path;
  if (!given("label-smoothing")) s.train.label_smoothing = d.label_smoothing;
  if (!given("epochs")) epochs = d.epochs;
  if (!given("batch-size")) batch_size = d.batch_size;
}

TrainPlan plan_training(const TrainSettings& s, const ViTConfig* saved, const GivenSetting& given, int num_labels) {
  TrainPlan plan{s.model, {}};
  ViTConfig& m = plan.config;
  if (saved) {
    m = *saved;
    m.drop_path = s.model.drop_path;
    if (given("dropout")) m.dropout = s.model.dropout;
  } else {
    m.image_size = s.image_size, m.channels = s.channels, m.patch = s.patch;
  }
  m.num_labels = num_labels;
  check_vit_config(m);
  plan.input.test_views = choose_views(TestViews{}, m.image_size, s.test_shift, s.test_views);
  plan.input.fit = s.fit;
  return plan;
}

TrainImages load_train_images(const ImageSource& train, const ImageSource& valid, const ImageSummary& summary,
                              const TrainPlan& plan, const data::BadItemHandler& on_bad_item) {
  const ViTConfig& m = plan.config;
  TrainImages out;
  out.train = load_set(train, summary.labels, m.image_size, m.channels, plan.input.fit, on_bad_item, &summary);
  if (!valid.empty()) out.valid = load_set(valid, summary.labels, m.image_size, m.channels, plan.input.fit, on_bad_item);
  check_readable(out.train.count(), train);
  return out;
}

ImageModel new_image_model(const TrainPlan& plan, const std::vector<std::string>& labels, const ImageSet& train,
                           const ImageModel* saved) {
  ImageModel model{std::make_unique<ViT>(plan.config), labels, plan.input};
  if (saved) {
    model.input.stats = saved->input.stats;
  } else {
    std::vector<Image> sample;
    for (int i = 0; i < train.count() && i < 10000; ++i) sample.push_back(train.image(i));
    model.input.stats = channel_stats(sample);
  }
  return model;
}

}  // namespace attn::vision
