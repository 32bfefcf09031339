// attn-speech encode: per-frame embeddings from a trained model's truncated-attention encoder,
// in any of the feature output formats. Features stream from the recording (or archive) into an
// EncodeStream and its embeddings on to the output as they are ready: exact (attention never
// reaches past layers * window frames), time linear in the length, memory bounded.
#include <memory>

#include "attn/audio/encode_stream.h"
#include "attn/audio/feature_source.h"
#include "common/batch_errors.h"
#include "common/predict_kit.h"
#include "speech/commands.h"
#include "speech/feature_flags.h"
#include "speech/model_args.h"

namespace attn::tools::speech {

namespace {

struct EncodeArgs {
  std::string model;
  std::vector<std::string> inputs, lists;
  Shard shard;
  FeatureFlags audio;
  FeatureOutputFlags output;
};

int run_encode(const EncodeArgs& a, const CommonOptions& common) {
  audio::SpeechModel model = load_model(a.model, builtin_model());
  audio::PipelineOptions p = model.features;
  p.audio = a.audio.pipeline.audio;
  p.audio.resample = !a.audio.no_resample;
  audio::FeatureSource source(a.inputs, a.lists, p);
  const auto out = open_feature_output(a.output);
  BatchErrors errors(common.keep_going);
  const int C = model.classifier->config().dim;
  const auto mine = [&](int64_t index) { return a.shard.mine(index); };
  source.each(mine, errors.on_bad_item(), [&](audio::FeatureItem& item) {
    out->write(item.utt, C, [&](const audio::FrameSink& sink) {
      audio::EncodeStream encoder(*model.classifier, sink);
      source.stream([&](const float* rows, int64_t n) { encoder.push(rows, n); });
      encoder.finish();
    });
  });
  out->commit();
  return errors.finish();
}

}  // namespace

Command add_encode_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = app.add_subcommand("encode", "Per-frame embeddings from a model's truncated-attention encoder");
  cmd->footer("Inputs as predict: recordings, '-' lists, --wav-scp, or Kaldi archives ark:FILE / ark:-.\n"
              "Example: attn-speech mfcc --sample-frequency 8000 --deltas --cmvn utt a.wav | "
              "attn-speech encode --model digits.safetensors ark:- --format ark -o emb.ark --scp emb.scp");
  add_common_flags(*cmd, common);
  add_keep_going_flag(*cmd, common);
  add_shard_option(*cmd, args->shard);
  add_model_option(*cmd, args->model, false, kModelHelp);
  add_audio_flags(*cmd, args->audio);
  add_feature_output_flags(*cmd, args->output);
  cmd->add_option("--wav-scp", args->lists, "A list of recordings (Kaldi wav.scp)")->type_name("LIST");
  cmd->add_option("inputs", args->inputs, "Recordings, '-' (a list on stdin), or ark:FILE / ark:-");
  return [args, &common] { return run_encode(*args, common); };
}

}  // namespace attn::tools::speech
