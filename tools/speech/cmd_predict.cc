// attn-speech predict: a label per utterance, in input order, from recordings or from Kaldi
// feature archives (ark:feats.ark, ark:- for a pipe).
#include <memory>

#include "attn/audio/speech_batch.h"
#include "common/batch_errors.h"
#include "common/declared_options.h"
#include "common/output.h"
#include "common/predict_kit.h"
#include "common/utterance_output.h"
#include "speech/commands.h"

namespace attn::tools::speech {

namespace {

struct PredictArgs {
  ModelChoice<audio::SpeechModel> model;
  std::vector<std::string> inputs, lists;
  audio::ReadingOptions reading;
  PredictOptions out;
};

int run_predict(const PredictArgs& a, const CommonOptions& common, Builtin builtin) {
  const std::vector<audio::SpeechModel> models = load_ensemble(a.model, builtin, a.reading);
  const audio::SpeechModel& model = models.front();
  const audio::Members members = members_of(models);
  audio::FeatureSource source(a.inputs, a.lists, model.features);
  PredictionOutput output(a.out, model.labels);
  BatchErrors errors(common.keep_going);
  // One utterance at a time keeps the output streaming and memory bounded.
  source.each([&](int64_t i) { return a.out.shard.mine(i); }, errors.on_bad_item(), [&](audio::FeatureItem& item) {
    output.write(output.make(item.utt, audio::item_probs(members, source, item, model.mel_warps)));
  });
  return errors.finish();
}

}  // namespace

Command add_predict_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = args->model.add_subcommand(app, "predict", "Label each utterance (default model: spoken digits 0-9)", common, kEnsembleModelHelp, true);
  cmd->footer("Inputs: recordings, '-' (a list on stdin), --wav-scp lists, or Kaldi archives as ark:FILE / ark:- "
              "(features must have the model's dimension).\n"
              "Example: attn-speech mfcc --sample-frequency 8000 --deltas --cmvn utt a.wav | attn-speech predict ark:-");
  audio::for_each_reading_option(args->reading, OptionFlags{*cmd});
  add_predict_options(*cmd, args->out);
  add_test_warps_override(args->model, *cmd, std::string(kTestWarpsHelp) + "; archive inputs are used as they are");
  add_wav_scp_option(*cmd, args->lists);
  cmd->add_option("inputs", args->inputs, "Recordings, '-' (a list on stdin), or ark:FILE / ark:-");
  return [args, &common, builtin] { return run_predict(*args, common, builtin); };
}

}  // namespace attn::tools::speech
