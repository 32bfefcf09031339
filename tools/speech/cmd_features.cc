// mfcc and fbank: Kaldi's compute-mfcc-feats / compute-fbank-feats (+ add-deltas, apply-cmvn)
// over files, wav.scp lists or a list on stdin.
#include <memory>

#include "attn/audio/speech_batch.h"
#include "common/declared_options.h"
#include "common/run_guarded.h"
#include "common/utterance_output.h"
#include "speech/commands.h"

namespace attn::tools::speech {

namespace {

struct FeatureArgs {
  audio::KaldiOptions features;
  UtteranceOutputArgs io;
};

int run_features(const FeatureArgs& args, const CommonOptions& common) {
  audio::PipelineOptions p = as_usage_error([&] { return args.features.resolve(); });
  p.dither_seed = common.seed;
  return write_utterances(args.io, common.keep_going, [&](auto& out, const auto& mine, const auto& on_bad_item) {
    audio::Utterances recordings(args.io.inputs, args.io.lists);
    audio::write_features(recordings, p, out, mine, on_bad_item);
  });
}

Command add_command(CLI::App& app, CommonOptions& common, audio::FeatureKind kind) {
  const bool mfcc = kind == audio::FeatureKind::Mfcc;
  auto args = std::make_shared<FeatureArgs>();
  CLI::App* cmd = app.add_subcommand(
      mfcc ? "mfcc" : "fbank",
      mfcc ? "MFCC features, as Kaldi's compute-mfcc-feats computes them (13 per frame; 39 with --deltas)"
           : "Log-mel filter-bank features, as Kaldi's compute-fbank-feats computes them");
  cmd->footer(
      "Inputs: audio files (any format libsndfile reads; the id is the path), '-' for a list on stdin, "
      "or --wav-scp lists; list lines are 'utt<TAB>path', 'utt path' or a bare path. Samples are "
      "on Kaldi's int16 scale whatever the file's format.\n"
      "Example: attn-speech mfcc --deltas --cmvn utt --format ark -o feats.ark --scp feats.scp --wav-scp wav.scp");
  add_common_flags(*cmd, common);
  add_seed_flag(*cmd, common);
  add_keep_going_flag(*cmd, common);
  args->features = audio::KaldiOptions(kind);
  audio::for_each_kaldi_option(args->features, kind, OptionFlags{*cmd});
  audio::for_each_reading_option(args->features.reading, OptionFlags{*cmd});
  args->io.register_flags(*cmd, "Audio files; '-' reads a list from stdin");
  return [args, &common] { return run_features(*args, common); };
}

}  // namespace

Command add_mfcc_command(CLI::App& app, CommonOptions& common) { return add_command(app, common, audio::FeatureKind::Mfcc); }
Command add_fbank_command(CLI::App& app, CommonOptions& common) { return add_command(app, common, audio::FeatureKind::Fbank); }

}  // namespace attn::tools::speech
