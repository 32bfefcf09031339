// attn-image predict: one line per image, in input order: path, then label and probability pairs.
#include <memory>

#include "attn/vision/labelled_images.h"
#include "attn/vision/predict.h"
#include "commands.h"
#include "image_model.h"
#include "common/item_batch.h"
#include "common/output.h"
#include "common/predict_kit.h"

namespace attn::tools::image {
namespace {

constexpr size_t kExplainPatches = 5;

struct PredictArgs {
  ImageModelChoice model;
  std::vector<std::string> inputs;
  bool explain = false;
  PredictOptions out;
};

int run_predict(const PredictArgs& a, const CommonOptions& common, Builtin builtin) {
  const auto model = a.model.load(builtin, vision::load_image_model);
  const vision::ViTConfig& c = model.vit->config();
  const int grid = c.image_size / c.patch;
  PredictionOutput output(a.out, model.labels);
  BatchErrors errors(common.keep_going);
  predict_input_paths<vision::Image, vision::ImagePrediction>(
      a.inputs, a.out.shard, errors, kPredictBatchSize,
      [&](const std::string& path) { return vision::load_image_file(path, c.image_size, c.channels, model.input.fit); },
      [&](const std::vector<vision::Image>& images) { return vision::predict_each_image(model, images, a.explain ? 0 : -1); },
      [&](const std::string& path, const vision::Image&, const vision::ImagePrediction& r) {
    Prediction p = output.make(path, r.probs);
    if (a.explain)  // the patches the head input drew on most (rollout), best first
      add_explanation(p, r.patches, a.out.format, kExplainPatches, kExplainPatches, [&](int i) {
        return ExplainedPart{{{"row", i / grid}, {"col", i % grid}},
                             "patch:" + std::to_string(i / grid) + "," + std::to_string(i % grid)};
      });
    output.write(p);
  });
  return errors.finish();
}

}  // namespace

Command add_predict_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = add_image_model_subcommand(app, "predict", "Label each image file", common, args->model);
  add_inputs_argument(*cmd, args->inputs, "Image files (PNG, JPEG, BMP, GIF, PGM/PPM, TGA); '-': paths on stdin");
  cmd->add_flag("--explain", args->explain, "Add the 5 patches the class token (or the pooled tokens) attended to most (attention rollout): jsonl \"explain\" [{row, col, weight}], tsv patch:row,col columns");
  add_predict_options(*cmd, args->out);
  return [args, &common, builtin] { return run_predict(*args, common, builtin); };
}

}  // namespace attn::tools::image
