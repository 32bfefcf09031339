// attn-image eval: accuracy, macro-F1, per-label precision/recall/F1 and confusion matrix.
#include <memory>

#include "attn/vision/labelled_images.h"
#include "commands.h"
#include "image_model.h"
#include "common/batch_errors.h"
#include "common/output.h"
#include "common/run_guarded.h"

namespace attn::tools::image {
namespace {

struct EvalArgs {
  ImageModelChoice model;
  vision::ImageSource data;
  ReportFormat format = ReportFormat::Text;
};

int run_eval(const EvalArgs& a, const CommonOptions& common, Builtin builtin) {
  if (a.data.data.empty() == a.data.idx.empty())
    throw UsageError("give the images as --data FOLDER|LIST or as --idx IMAGES LABELS");
  const auto model = a.model.load(builtin, vision::load_image_model);
  BatchErrors errors(common.keep_going);
  const vision::ImageSet set = vision::load_set_for(model, a.data, errors.on_bad_item());
  write_metrics(a.format, vision::evaluate(model, set).confusion, model.labels);
  return errors.finish();
}

}  // namespace

Command add_eval_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = add_image_model_subcommand(app, "eval", "Evaluate a model on labelled images", common, args->model);
  add_data_option(*cmd, args->data.data, false, "Labelled images: a folder per label or a path<TAB>label list");
  cmd->add_option("--idx", args->data.idx, "Labelled images as IDX files (gzipped or not): IMAGES LABELS")->expected(2);
  add_report_format_option(*cmd, args->format);
  return [args, &common, builtin] { return run_eval(*args, common, builtin); };
}

}  // namespace attn::tools::image
