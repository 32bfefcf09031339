// attn-image attention: per image, a PNG of the image under the attention its head input drew on.
#include <fmt/format.h>

#include <memory>

#include "attn/vision/heatmap.h"
#include "attn/vision/labelled_images.h"
#include "attn/vision/predict.h"
#include "commands.h"
#include "image_model.h"
#include "common/item_batch.h"
#include "common/output.h"

namespace attn::tools::image {
namespace {

struct AttentionArgs {
  ImageModelChoice model;
  std::string output;
  std::vector<std::string> inputs;
  int layer = 0;
};

int run_attention(const AttentionArgs& a, const CommonOptions& common, Builtin builtin) {
  OutputFolder folder(a.output, ".png", "the PNGs");
  const auto model = a.model.load(builtin, vision::load_image_model);
  const auto& c = model.vit->config();
  check_layer_flag(a.layer, c.layers);
  BatchErrors errors(common.keep_going);
  predict_input_paths<vision::Image, vision::ImagePrediction>(
      a.inputs, {}, errors, kPredictBatchSize,
      [&](const std::string& path) { return vision::load_image_file(path, c.image_size, c.channels, model.input.fit); },
      [&](const std::vector<vision::Image>& images) { return vision::predict_each_image(model, images, a.layer); },
      [&](const std::string& input, const vision::Image& image, const vision::ImagePrediction& r) {
    const LabelProb best = top_k(r.probs, model.labels, 1).front();
    const auto png = vision::attention_png(image, r.patches, c.image_size / c.patch, best.label, best.prob);
    const std::string path = folder.write(input, {reinterpret_cast<const char*>(png.data()), png.size()});
    write_bytes(stdout, tsv_escape(input) + "\t" + tsv_escape(path) + "\t" + tsv_escape(best.label) +
                            fmt::format("\t{:.6f}\n", best.prob));
  });
  return errors.finish();
}

}  // namespace

Command add_attention_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<AttentionArgs>();
  CLI::App* cmd = add_image_model_subcommand(app, "attention", "Write attention heat-map PNGs: where the class token (or the pooled tokens) looked", common, args->model);
  add_output_option(*cmd, args->output, true, "Folder for the PNGs (one per image, named after it)");
  cmd->add_option("--layer", args->layer, "0: attention rollout over all layers (Abnar & Zuidema 2020); K: layer K alone")->capture_default_str()->check(CLI::Range(0, 64));
  add_inputs_argument(*cmd, args->inputs, "Image files; '-': paths on stdin");
  return [args, &common, builtin] { return run_attention(*args, common, builtin); };
}

}  // namespace attn::tools::image
