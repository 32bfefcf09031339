// attn-text eval: accuracy, macro-F1, per-label precision/recall/F1 and confusion matrix.
#include <memory>

#include "commands.h"
#include "common/batch_errors.h"
#include "common/embedded_model.h"
#include "common/output.h"
#include "text_input.h"

namespace attn::tools::text {
namespace {

struct EvalArgs {
  std::string model, data;
  DataOptions input;
  ReportFormat format = ReportFormat::Text;
};

int run_eval(EvalArgs& a, const CommonOptions& common, std::span<const unsigned char> builtin) {
  auto model = attn::text::load_text_model(open_model_or_builtin(a.model, builtin));
  a.input.documents = model.documents;  // read documents as the model was trained
  BatchErrors errors(common.keep_going);
  const LabelledTokens data = tokenize_items(model.classifier->tokenizer(), read_labelled_texts(a.data, a.input, errors.on_bad_item()), model.labels);
  attn::text::TextTask task(*model.classifier, data.tokens);
  const auto& c = model.classifier->config();
  const Evaluation ev = evaluate(task, {c.loss, c.label_smoothing, {}}, data.ids);
  write_metrics(a.format, ev.confusion, model.labels);
  return errors.finish();
}

}  // namespace

Command add_eval_command(CLI::App& app, CommonOptions& common, std::span<const unsigned char> builtin) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = add_model_subcommand(app, "eval", "Evaluate a model on labelled data", common, args->model, kModelHelp);
  add_data_option(*cmd, args->data, true, "Labelled data, in the format train reads");
  add_text_input_flags(*cmd, args->input);
  add_report_format_option(*cmd, args->format);
  return [args, &common, builtin] { return run_eval(*args, common, builtin); };
}

}  // namespace attn::tools::text
