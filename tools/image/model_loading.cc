#include "model_loading.h"

#include "attn/error.h"
#include "attn/vision/test_shift.h"
#include "commands.h"
#include "common/cli.h"
#include "common/embedded_model.h"
#include "common/run_guarded.h"

namespace attn::tools::image {

CLI::App* add_image_model_subcommand(CLI::App& app, const std::string& name, const std::string& about,
                                     CommonOptions& common, ModelChoice& choice) {
  CLI::App* cmd = add_model_subcommand(app, name, about, common, choice.path, kModelHelp);
  cmd->add_option("--test-shift", choice.test_shift, "Average the image and 4 copies moved this many pixels (0: off; default: as stored in the model)")
      ->check(CLI::Range(0, 256));
  return cmd;
}

vision::ImageModel load_chosen_model(const ModelChoice& choice, Builtin builtin) {
  vision::ImageModel model = vision::load_image_model(open_model_or_builtin(choice.path, builtin));
  if (choice.test_shift >= 0) {
    try {
      vision::check_test_shift(choice.test_shift, model.vit->config().image_size);
    } catch (const Error& e) {
      throw UsageError(std::string("--test-shift: ") + e.what());
    }
    model.input.test_shift = choice.test_shift;
  }
  return model;
}

}  // namespace attn::tools::image
