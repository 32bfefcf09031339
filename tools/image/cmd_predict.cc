// attn-image predict: one line per image, in input order: path, then label and probability pairs.
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include "batch_runner.h"
#include "commands.h"
#include "common/output.h"
#include "common/predict_kit.h"
#include "model_loading.h"

namespace attn::tools::image {
namespace {

constexpr int kExplainPatches = 5;

struct PredictArgs {
  std::string model;
  std::vector<std::string> inputs;
  bool explain = false;
  PredictOptions out;
};

// The patches the class token drew on most (rollout), as (row, col, weight), best first.
void add_explanation(Prediction& p, const std::vector<float>& weight, int grid, PredictFormat format) {
  std::vector<int> order(weight.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return weight[a] > weight[b]; });
  order.resize(std::min<size_t>(order.size(), kExplainPatches));
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (int i : order) {
    const double w = std::round(weight[i] * 1e6) / 1e6;
    list.push_back({{"row", i / grid}, {"col", i % grid}, {"weight", w}});
    if (format == PredictFormat::Tsv)
      p.labels.push_back({"patch:" + std::to_string(i / grid) + "," + std::to_string(i % grid), weight[i]});
  }
  if (format == PredictFormat::Jsonl) p.extra["explain"] = list;
}

int run_predict(const PredictArgs& a, const CommonOptions& common, Builtin builtin) {
  const auto model = load_model(a.model, builtin);
  const int grid = model.vit->config().image_size / model.vit->config().patch;
  PredictionOutput output(a.out, model.labels);
  BatchErrors errors(common.keep_going);
  BatchRunner runner(model, a.explain ? 0 : -1, [&](const ImageResult& r) {
    Prediction p = output.make(r.path, r.probs);
    if (a.explain) add_explanation(p, r.patches, grid, a.out.format);
    output.write(p);
  });
  runner.run(a.inputs, errors, a.out.shard);
  return errors.finish();
}

}  // namespace

Command add_predict_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = app.add_subcommand("predict", "Label each image file");
  add_common_flags(*cmd, common);
  add_keep_going_flag(*cmd, common);
  add_model_option(*cmd, args->model, false, "Model file (default: the built-in Fashion-MNIST model)");
  add_inputs_argument(*cmd, args->inputs, "Image files (PNG, JPEG, BMP, GIF, PGM/PPM, TGA); '-': paths on stdin");
  cmd->add_flag("--explain", args->explain, "Add the 5 patches the class token attended to most (attention rollout): jsonl \"explain\" [{row, col, weight}], tsv patch:row,col columns");
  add_predict_options(*cmd, args->out);
  return [args, &common, builtin] { return run_predict(*args, common, builtin); };
}

}  // namespace attn::tools::image
