// attn-image eval: accuracy, macro-F1, per-label precision/recall/F1 and confusion matrix.
#include <algorithm>
#include <memory>

#include "attn/vision/labelled_images.h"
#include "attn/vision/model_file.h"
#include "attn/vision/vit_train.h"
#include "commands.h"
#include "model_loading.h"
#include "common/batch_errors.h"
#include "common/embedded_model.h"
#include "common/output.h"
#include "common/run_guarded.h"

namespace attn::tools::image {
namespace {

struct EvalArgs {
  ModelChoice model;
  vision::ImageSource data;
  ReportFormat format = ReportFormat::Text;
};

bool all_numbers(const std::vector<std::string>& labels) {
  return std::all_of(labels.begin(), labels.end(), [](const std::string& l) {
    return !l.empty() && std::all_of(l.begin(), l.end(), [](char c) { return c >= '0' && c <= '9'; });
  });
}

int run_eval(EvalArgs& a, const CommonOptions& common, Builtin builtin) {
  if (a.data.data.empty() == a.data.idx.empty())
    throw UsageError("give the images as --data FOLDER|LIST or as --idx IMAGES LABELS");
  const auto model = load_chosen_model(a.model, builtin);
  // IDX labels are numbers; a model trained with --label-names has them in number order.
  if (!all_numbers(model.labels)) a.data.idx_names = model.labels;
  const auto& c = model.vit->config();
  BatchErrors errors(common.keep_going);
  const auto set = vision::load_set(a.data, model.labels, c.image_size, c.channels, model.input.fit, errors.on_bad_item());
  if (set.count() == 0) throw Error(a.data.name() + ": no readable images");
  const auto ev = vision::evaluate(*model.vit, set, model.input.stats, model.input.test_views);
  write_metrics(a.format, ev.confusion, model.labels);
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
