// attn-speech predict: a label per utterance, in input order, from recordings or from Kaldi
// feature archives (ark:feats.ark, ark:- for a pipe).
#include <memory>

#include "attn/audio/feature_source.h"
#include "attn/audio/speech_predict.h"
#include "attn/error.h"
#include "common/batch_errors.h"
#include "common/output.h"
#include "common/predict_kit.h"
#include "speech/commands.h"
#include "speech/feature_flags.h"
#include "speech/model_args.h"

namespace attn::tools::speech {

namespace {

struct PredictArgs {
  std::string model;
  std::vector<std::string> inputs, lists;
  FeatureFlags audio;
  PredictOptions out;
  std::vector<float> warps;
  CLI::Option* warps_flag = nullptr;
};

int run_predict(const PredictArgs& a, const CommonOptions& common) {
  audio::SpeechModel model = load_model(a.model, builtin_model());
  audio::PipelineOptions p = model.features;
  p.audio = a.audio.pipeline.audio;
  p.audio.resample = !a.audio.no_resample;
  audio::FeatureSource source(a.inputs, a.lists, p);
  PredictionOutput output(a.out, model.labels);
  BatchErrors errors(common.keep_going);
  const int K = model.classifier->config().num_labels;
  const std::vector<float> warps = test_warps(a.warps_flag, a.warps, model);
  // One utterance at a time keeps the output streaming and memory bounded.
  const auto mine = [&](int64_t index) { return a.out.shard.mine(index); };
  source.each(mine, errors.on_bad_item(), [&](audio::FeatureItem& item) {
    std::vector<float> probs;
    if (warps.empty() || source.from_archive()) {  // an archive's features are used as they are
      source.load(item);
      probs = audio::predict_probs(*model.classifier, {&item.feats});
    } else {
      std::vector<Tensor> at;
      for (const float w : warps) at.push_back(source.load_recording(w));
      std::vector<std::vector<const Tensor*>> batches;
      for (const Tensor& t : at) batches.push_back({&t});
      probs = audio::mean_probs(*model.classifier, batches);
    }
    output.write(output.make(item.utt, std::span<const float>(probs.data(), K)));
  });
  return errors.finish();
}

}  // namespace

Command add_predict_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = add_model_subcommand(app, "predict", "Label each utterance (default model: spoken digits 0-9)", common, args->model, kModelHelp);
  cmd->footer("Inputs: recordings, '-' (a list on stdin), --wav-scp lists, or Kaldi archives as ark:FILE / ark:- "
              "(features must have the model's dimension).\n"
              "Example: attn-speech mfcc --sample-frequency 8000 --deltas --cmvn utt a.wav | attn-speech predict ark:-");
  add_audio_flags(*cmd, args->audio);
  add_predict_options(*cmd, args->out);
  args->warps_flag = add_test_warps_option(*cmd, args->warps, std::string(kTestWarpsHelp) + "; archive inputs are used as they are");
  cmd->add_option("--wav-scp", args->lists, "A list of recordings (Kaldi wav.scp)")->type_name("LIST");
  cmd->add_option("inputs", args->inputs, "Recordings, '-' (a list on stdin), or ark:FILE / ark:-");
  return [args, &common] { return run_predict(*args, common); };
}

}  // namespace attn::tools::speech
