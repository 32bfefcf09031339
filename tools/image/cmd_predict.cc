// attn-image predict: one line per image, in input order: path, then label and probability pairs.
#include <memory>

#include "batch_runner.h"
#include "commands.h"
#include "model_loading.h"
#include "common/embedded_model.h"
#include "common/output.h"
#include "common/predict_kit.h"

namespace attn::tools::image {
namespace {

constexpr size_t kExplainPatches = 5;

struct PredictArgs {
  ModelChoice model;
  std::vector<std::string> inputs;
  bool explain = false;
  PredictOptions out;
};

int run_predict(const PredictArgs& a, const CommonOptions& common, Builtin builtin) {
  const auto model = load_chosen_model(a.model, builtin);
  const int grid = model.vit->config().image_size / model.vit->config().patch;
  PredictionOutput output(a.out, model.labels);
  BatchErrors errors(common.keep_going);
  BatchRunner runner(model, a.explain ? 0 : -1, [&](const ImageResult& r) {
    Prediction p = output.make(r.path, r.probs);
    if (a.explain)  // the patches the class token drew on most (rollout), best first
      add_explanation(p, r.patches, a.out.format, kExplainPatches, kExplainPatches, [&](int i) {
        return ExplainedPart{{{"row", i / grid}, {"col", i % grid}},
                             "patch:" + std::to_string(i / grid) + "," + std::to_string(i % grid)};
      });
    output.write(p);
  });
  runner.run(a.inputs, errors, a.out.shard);
  return errors.finish();
}

}  // namespace

Command add_predict_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = add_image_model_subcommand(app, "predict", "Label each image file", common, args->model);
  add_inputs_argument(*cmd, args->inputs, "Image files (PNG, JPEG, BMP, GIF, PGM/PPM, TGA); '-': paths on stdin");
  cmd->add_flag("--explain", args->explain, "Add the 5 patches the class token attended to most (attention rollout): jsonl \"explain\" [{row, col, weight}], tsv patch:row,col columns");
  add_predict_options(*cmd, args->out);
  return [args, &common, builtin] { return run_predict(*args, common, builtin); };
}

}  // namespace attn::tools::image
