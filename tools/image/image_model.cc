#include "image_model.h"

#include "attn/vision/test_shift.h"
#include "commands.h"
#include "common/embedded_model.h"
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

}  // namespace attn::tools::image
