// attn-text eval: accuracy, macro-F1, per-label precision/recall/F1 and confusion matrix.
#include <memory>

#include "attn/train/metrics.h"
#include "commands.h"
#include "common/output.h"
#include "model_loading.h"
#include "text_data.h"
#include "text_task.h"

namespace attn::tools::text {
namespace {

struct EvalArgs {
  std::string model, data, input_format = "auto";
  DataOptions input;
  ReportFormat format = ReportFormat::Text;
};

int run_eval(EvalArgs& a, std::span<const unsigned char> builtin) {
  auto model = load_model(a.model, builtin);
  if (a.input_format == "fasttext") a.input.line_format.format = attn::text::LineFormat::kFastText;
  if (a.input_format == "tsv") a.input.line_format.format = attn::text::LineFormat::kTsv;
  a.input.documents = model.documents;  // read documents as the model was trained
  const auto items = read_labelled(a.data, a.input);
  const auto ids = label_ids_of(items, model.labels);
  std::vector<std::string> texts;
  for (const auto& item : items) texts.push_back(item.text);
  const auto tokens = tokenize_all(model.classifier->tokenizer(), texts, false);
  TextTask task(*model.classifier, tokens);
  const auto& c = model.classifier->config();
  const Evaluation ev = evaluate(task, {c.loss, c.label_smoothing, {}}, ids);
  write_metrics(a.format, ev.confusion, model.labels);
  return 0;
}

}  // namespace

Command add_eval_command(CLI::App& app, CommonOptions& common, std::span<const unsigned char> builtin) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a model on labelled data");
  add_common_flags(*cmd, common);
  add_model_option(*cmd, args->model, false, "Model file (default: the built-in spam filter)");
  add_data_option(*cmd, args->data, true, "Labelled data, in the format train reads");
  cmd->add_flag("--docs", args->input.docs, "Inputs are whole files (a folder per label or a path<TAB>label list)");
  add_choice_option(*cmd, "--input-format", args->input_format, {"auto", "fasttext", "tsv"}, "Line format");
  cmd->add_option("--label-prefix", args->input.line_format.label_prefix, "fastText label prefix")->capture_default_str();
  add_report_format_option(*cmd, args->format);
  return [args, builtin] { return run_eval(*args, builtin); };
}

}  // namespace attn::tools::text
