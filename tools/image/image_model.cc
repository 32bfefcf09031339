#include "image_model.h"

#include "attn/vision/test_shift.h"
#include "commands.h"

namespace attn::tools::image {

CLI::App* add_image_model_subcommand(CLI::App& app, const std::string& name, const std::string& about,
                                     CommonOptions& common, ImageModelChoice& choice) {
  CLI::App* cmd = choice.add_subcommand(app, name, about, common, kModelHelp);
  choice.add_override<int>(*cmd, "--test-shift", "Average the image and copies moved this many pixels (0: off; default: as stored in the model)",
                           [](vision::ImageModel& m, int shift) {
                             m.input.test_views = vision::choose_views(m.input.test_views, m.vit->config().image_size, shift, "");
                           })
      ->check(CLI::Range(0, 256))
      ->default_str("-1");  // as --help has always shown it
  choice.add_override<std::string>(*cmd, "--test-views", "Which copies: cross (4 moves) or grid (every move within the shift), +flip adds mirror images (default: as stored in the model)",
                                   [](vision::ImageModel& m, const std::string& views) {
                                     m.input.test_views = vision::choose_views(m.input.test_views, m.vit->config().image_size, -1, views);
                                   });
  return cmd;
}

}  // namespace attn::tools::image
