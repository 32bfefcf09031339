// attn-speech encode: per-frame embeddings from a trained model's truncated-attention encoder,
// in any of the feature output formats. Features stream from the recording (or archive) into an
// EncodeStream and its embeddings on to the output as they are ready: exact (attention never
// reaches past layers * window frames), time linear in the length, memory bounded.
#include <memory>
#include <stdexcept>

#include "attn/audio/speech_batch.h"
#include "common/batch_errors.h"
#include "common/declared_options.h"
#include "common/predict_kit.h"
#include "common/run_guarded.h"
#include "speech/commands.h"

namespace attn::tools::speech {

namespace {

struct EncodeArgs {
  std::string model;
  std::vector<std::string> inputs, lists;
  Shard shard;
  audio::ReadingOptions reading;
  audio::FeatureOutputOptions output;
};

int run_encode(const EncodeArgs& a, const CommonOptions& common, Builtin builtin) {
  const audio::SpeechModel model = audio::load_speech_model(open_model_or_builtin(a.model, builtin), a.reading);
  audio::FeatureSource source(a.inputs, a.lists, model.features);
  const auto out = as_usage_error<std::invalid_argument>([&] { return std::make_unique<audio::FeatureOutput>(a.output); });
  BatchErrors errors(common.keep_going);
  audio::write_embeddings(*model.classifier, source, *out, [&](int64_t i) { return a.shard.mine(i); }, errors.on_bad_item());
  out->commit();
  return errors.finish();
}

}  // namespace

Command add_encode_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = add_model_subcommand(app, "encode", "Per-frame embeddings from a model's truncated-attention encoder",
                                       common, args->model, kModelHelp);
  cmd->footer("Inputs as predict: recordings, '-' lists, --wav-scp, or Kaldi archives ark:FILE / ark:-.\n"
              "Example: attn-speech mfcc --sample-frequency 8000 --deltas --cmvn utt a.wav | "
              "attn-speech encode --model digits.safetensors ark:- --format ark -o emb.ark --scp emb.scp");
  add_shard_option(*cmd, args->shard);
  audio::for_each_reading_option(args->reading, OptionFlags{*cmd});
  audio::for_each_feature_output_option(args->output, OptionFlags{*cmd});
  cmd->add_option("--wav-scp", args->lists, "A list of recordings (Kaldi wav.scp)")->type_name("LIST");
  cmd->add_option("inputs", args->inputs, "Recordings, '-' (a list on stdin), or ark:FILE / ark:-");
  return [args, &common, builtin] { return run_encode(*args, common, builtin); };
}

}  // namespace attn::tools::speech
