// attn-speech eval: accuracy, macro-F1, per-label metrics and the confusion matrix on labelled
// recordings, with the features the model was trained on.
#include <memory>

#include "attn/audio/speech_task.h"
#include "common/batch_errors.h"
#include "common/declared_options.h"
#include "common/embedded_model.h"
#include "common/output.h"
#include "speech/commands.h"

namespace attn::tools::speech {

namespace {

struct EvalArgs {
  std::string model, data;
  audio::ReadingOptions reading;
  ReportFormat format = ReportFormat::Text;
  std::vector<float> warps;
  CLI::Option* warps_flag = nullptr;
};

int run_eval(const EvalArgs& a, const CommonOptions& common, Builtin builtin) {
  const audio::SpeechModel model = audio::load_speech_model(open_model_or_builtin(a.model, builtin), a.reading);
  BatchErrors errors(common.keep_going);
  const audio::LabelledAudio data = audio::read_labelled_audio(a.data, model.features, errors.on_bad_item());
  const LabelIds ids = audio::label_ids(data, model.labels);
  const std::vector<float>& warps = a.warps_flag->count() > 0 ? a.warps : model.mel_warps;
  audio::SpeechTask task(*model.classifier, model.features, data.waves, data.paths, {}, warps);
  const Evaluation ev = evaluate(task, ClassifyConfig{}, ids);
  write_metrics(a.format, ev.confusion, model.labels);
  return errors.finish();
}

}  // namespace

Command add_eval_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = add_model_subcommand(app, "eval", "Evaluate a model on labelled recordings", common, args->model, kModelHelp);
  add_data_option(*cmd, args->data, true, "Recordings: a folder per label, or a path<TAB>label list");
  audio::for_each_reading_option(args->reading, OptionFlags{*cmd});
  add_report_format_option(*cmd, args->format);
  args->warps_flag = add_test_warps_option(*cmd, args->warps, kTestWarpsHelp);
  return [args, &common, builtin] { return run_eval(*args, common, builtin); };
}

}  // namespace attn::tools::speech
