// attn-speech eval: accuracy, macro-F1, per-label metrics and the confusion matrix on labelled
// recordings, with the features the model was trained on.
#include <memory>

#include "attn/data/labels.h"
#include "common/batch_errors.h"
#include "common/output.h"
#include "speech/commands.h"
#include "speech/feature_flags.h"
#include "speech/model_args.h"
#include "attn/audio/speech_task.h"

namespace attn::tools::speech {

namespace {

struct EvalArgs {
  std::string model, data;
  FeatureFlags audio;
  ReportFormat format = ReportFormat::Text;
  std::vector<float> warps;
  CLI::Option* warps_flag = nullptr;
};

int run_eval(const EvalArgs& a, const CommonOptions& common) {
  audio::SpeechModel model = load_model(a.model, builtin_model());
  audio::PipelineOptions p = model.features;
  p.audio = a.audio.pipeline.audio;
  p.audio.resample = !a.audio.no_resample;
  BatchErrors errors(common.keep_going);
  const audio::LabelledAudio data = audio::read_labelled_audio(a.data, p, errors.on_bad_item());
  const data::LabelIndex index(model.labels);
  LabelIds ids;
  for (size_t i = 0; i < data.labels.size(); ++i) ids.push_back({index.id(data.labels[i], data.paths[i])});
  audio::SpeechTask task(*model.classifier, p, data.waves, data.paths, {}, test_warps(a.warps_flag, a.warps, model));
  const Evaluation ev = evaluate(task, ClassifyConfig{}, ids);
  write_metrics(a.format, ev.confusion, model.labels);
  return errors.finish();
}

}  // namespace

Command add_eval_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = add_model_subcommand(app, "eval", "Evaluate a model on labelled recordings", common, args->model, kModelHelp);
  add_data_option(*cmd, args->data, true, "Recordings: a folder per label, or a path<TAB>label list");
  add_audio_flags(*cmd, args->audio);
  add_report_format_option(*cmd, args->format);
  args->warps_flag = add_test_warps_option(*cmd, args->warps, kTestWarpsHelp);
  return [args, &common] { return run_eval(*args, common); };
}

}  // namespace attn::tools::speech
