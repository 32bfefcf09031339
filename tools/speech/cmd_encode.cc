// attn-speech encode: per-frame embeddings from a trained model's truncated-attention encoder,
// in any of the feature output formats. Features stream from the recording (or archive) into an
// EncodeStream and its embeddings on to the output as they are ready: exact (attention never
// reaches past layers * window frames), time linear in the length, memory bounded.
#include <memory>

#include "attn/audio/speech_batch.h"
#include "common/declared_options.h"
#include "common/utterance_output.h"
#include "speech/commands.h"

namespace attn::tools::speech {

namespace {

struct EncodeArgs {
  std::string model;
  audio::ReadingOptions reading;
  UtteranceOutputArgs io;
};

int run_encode(const EncodeArgs& a, const CommonOptions& common, Builtin builtin) {
  const audio::SpeechModel model = audio::load_speech_model(open_model_or_builtin(a.model, builtin), a.reading);
  audio::FeatureSource source(a.io.inputs, a.io.lists, model.features);
  return write_utterances(a.io, common.keep_going, [&](auto& out, const auto& mine, const auto& on_bad_item) {
    audio::write_embeddings(*model.classifier, source, out, mine, on_bad_item);
  });
}

}  // namespace

Command add_encode_command(CLI::App& app, CommonOptions& common, Builtin builtin) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = add_model_subcommand(app, "encode", "Per-frame embeddings from a model's truncated-attention encoder",
                                       common, args->model, kModelHelp);
  cmd->footer("Inputs as predict: recordings, '-' lists, --wav-scp, or Kaldi archives ark:FILE / ark:-.\n"
              "Example: attn-speech mfcc --sample-frequency 8000 --deltas --cmvn utt a.wav | "
              "attn-speech encode --model digits.safetensors ark:- --format ark -o emb.ark --scp emb.scp");
  audio::for_each_reading_option(args->reading, OptionFlags{*cmd});
  args->io.register_flags(*cmd, "Recordings, '-' (a list on stdin), or ark:FILE / ark:-");
  return [args, &common, builtin] { return run_encode(*args, common, builtin); };
}

}  // namespace attn::tools::speech
