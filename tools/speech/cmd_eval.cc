// attn-speech eval: accuracy, macro-F1, per-label metrics and the confusion matrix on labelled
// recordings, with the features the model was trained on.
#include <memory>

#include "attn/audio/speech_task.h"
#include "common/batch_errors.h"
#include "common/declared_options.h"
#include "common/output.h"
#include "speech/commands.h"

namespace attn::tools::speech {

namespace {

struct EvalArgs {
  ModelChoice<audio::SpeechModel> model;
  std::string data;
  audio::ReadingOptions reading;
  ReportFormat format = ReportFormat::Text;
};

int run_eval(const EvalArgs& a, const CommonOptions& common, Builtin builtin) {
  const std::vector<audio::SpeechModel> models = load_ensemble(a.model, builtin, a.reading);
  const audio::SpeechModel& model = models.front();
  BatchErrors errors(common.keep_going);
  as_usage_error([&] { model.features.validate(); });  // e.g. a --cmvn spk model without --utt2spk
  const audio::LabelledAudio data = audio::read_labelled_audio(a.data, model.features, errors.on_bad_item());
  const LabelIds ids = audio::label_ids(data, model.labels);
  const audio::Members members = members_of(models);
  const audio::Members others(members.begin() + 1, members.end());
  audio::SpeechTask task(*model.classifier, model.features, data.waves, data.paths, {}, model.mel_warps, others);
  const Evaluation ev = evaluate(task, ClassifyConfig{}, ids);
  write_metrics(a.format, ev.confusion, model.labels);
  return errors.finish();
}

}  // namespace

Command add_eval_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = args->model.add_subcommand(app, "eval", "Evaluate a model (or an ensemble) on labelled recordings", common, kEnsembleModelHelp, true);
  add_data_option(*cmd, args->data, true, "Recordings: a folder per label, or a path<TAB>label list");
  audio::for_each_reading_option(args->reading, OptionFlags{*cmd});
  add_report_format_option(*cmd, args->format);
  add_test_warps_override(args->model, *cmd, kTestWarpsHelp);
  return [args, &common, builtin] { return run_eval(*args, common, builtin); };
}

}  // namespace attn::tools::speech
