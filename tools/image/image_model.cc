#include "image_model.h"

#include "attn/vision/labelled_images.h"
#include "commands.h"
#include "common/embedded_model.h"
#include "common/item_batch.h"
#include "common/run_guarded.h"

namespace attn::tools::image {

CLI::App* add_image_model_subcommand(CLI::App& app, const std::string& name, const std::string& about,
                                     CommonOptions& common, ModelChoice& choice) {
  CLI::App* cmd = add_model_subcommand(app, name, about, common, choice.path, kModelHelp);
  cmd->add_option("--test-shift", choice.test_shift, "Average the image and copies moved this many pixels (0: off; default: as stored in the model)")
      ->check(CLI::Range(0, 256));
  cmd->add_option("--test-views", choice.test_views, "Which copies: cross (4 moves) or grid (every move within the shift), +flip adds mirror images (default: as stored in the model)");
  return cmd;
}

vision::ImageModel load_chosen_model(const ModelChoice& choice, Builtin builtin) {
  vision::ImageModel model = vision::load_image_model(open_model_or_builtin(choice.path, builtin));
  vision::TestViews& views = model.input.test_views;
  try {
    views = vision::choose_views(views, model.vit->config().image_size, choice.test_shift, choice.test_views);
  } catch (const vision::TestViewsError& e) {
    throw UsageError((e.part == vision::TestViewsError::Part::Shift ? "--test-shift: " : "--test-views: ") + std::string(e.what()));
  }
  return model;
}

void run_images(const vision::ImageModel& model, const std::vector<std::string>& inputs, const Shard& shard,
                BatchErrors& errors, int attention_layer, const ImageEmit& emit) {
  const vision::ViTConfig& c = model.vit->config();
  ItemBatch<vision::Image> batch(64, [&](std::vector<std::string>& paths, std::vector<vision::Image>& images) {
    const std::vector<vision::ImagePrediction> p = vision::predict_each_image(model, images, attention_layer);
    for (size_t b = 0; b < images.size(); ++b) emit(paths[b], images[b], p[b]);
  });
  batch_input_paths<vision::Image>(batch, inputs, shard, errors, [&](const std::string& path) {
    return vision::load_image_file(path, c.image_size, c.channels, model.input.fit);
  });
}

}  // namespace attn::tools::image
