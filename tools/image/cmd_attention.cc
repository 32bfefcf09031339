// attn-image attention: per image, a PNG of the image under the class token's attention.
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <set>

#include "attn/error.h"
#include "attn/vision/heatmap.h"
#include "batch_runner.h"
#include "commands.h"
#include "model_loading.h"
#include "common/embedded_model.h"
#include "common/output.h"
#include "common/run_guarded.h"

namespace attn::tools::image {
namespace {

struct AttentionArgs {
  ModelChoice model;
  std::string output;
  std::vector<std::string> inputs;
  int layer = 0;
};

// DIR/<name>.png, with -2, -3 ... when two inputs share a name.
std::string png_path(const std::string& dir, const std::string& input, std::set<std::string>& used) {
  const std::string stem = std::filesystem::path(input).stem().string();
  std::string name = stem + ".png";
  for (int k = 2; used.count(name); ++k) name = stem + "-" + std::to_string(k) + ".png";
  used.insert(name);
  return (std::filesystem::path(dir) / name).string();
}

int run_attention(const AttentionArgs& a, const CommonOptions& common, Builtin builtin) {
  std::error_code ec;
  if (!std::filesystem::is_directory(a.output, ec))
    throw Error(a.output + ": not a directory (--output takes the folder for the PNGs)");
  const auto model = load_chosen_model(a.model, builtin);
  const auto& c = model.vit->config();
  if (a.layer > c.layers)
    throw UsageError("--layer " + std::to_string(a.layer) + ": the model has " + std::to_string(c.layers) + " layers");
  const int grid = c.image_size / c.patch;
  std::set<std::string> used;
  BatchErrors errors(common.keep_going);
  BatchRunner runner(model, a.layer, [&](const ImageResult& r) {
    size_t best = 0;
    for (size_t k = 1; k < r.probs.size(); ++k) best = r.probs[k] > r.probs[best] ? k : best;
    const std::string caption = fmt::format("{} {:.2f}", model.labels[best], r.probs[best]);
    const std::string path = png_path(a.output, r.path, used);
    const auto png = vision::encode_png(vision::render_heatmap(*r.image, r.patches, grid, caption));
    write_file_atomically(path, {reinterpret_cast<const char*>(png.data()), png.size()});
    write_bytes(stdout, tsv_escape(r.path) + "\t" + tsv_escape(path) + "\t" + tsv_escape(model.labels[best]) +
                            fmt::format("\t{:.6f}\n", r.probs[best]));
  });
  runner.run(a.inputs, errors);
  return errors.finish();
}

}  // namespace

Command add_attention_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<AttentionArgs>();
  CLI::App* cmd = add_image_model_subcommand(app, "attention", "Write attention heat-map PNGs: where the class token looked", common, args->model);
  add_output_option(*cmd, args->output, true, "Folder for the PNGs (one per image, named after it)");
  cmd->add_option("--layer", args->layer, "0: attention rollout over all layers (Abnar & Zuidema 2020); K: layer K alone")->capture_default_str()->check(CLI::Range(0, 64));
  add_inputs_argument(*cmd, args->inputs, "Image files; '-': paths on stdin");
  return [args, &common, builtin] { return run_attention(*args, common, builtin); };
}

}  // namespace attn::tools::image
