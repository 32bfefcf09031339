// mfcc and fbank: Kaldi's compute-mfcc-feats / compute-fbank-feats (+ add-deltas, apply-cmvn)
// over files, wav.scp lists or a list on stdin.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "attn/audio/speech_batch.h"
#include "common/batch_errors.h"
#include "common/declared_options.h"
#include "common/predict_kit.h"
#include "common/run_guarded.h"
#include "speech/commands.h"

namespace attn::tools::speech {

namespace {

struct FeatureArgs {
  audio::KaldiOptions features;
  audio::FeatureOutputOptions output;
  std::vector<std::string> inputs, lists;
  Shard shard;
};

int run_features(const FeatureArgs& args, const CommonOptions& common) {
  audio::PipelineOptions p = as_usage_error([&] { return args.features.resolve(); });
  p.dither_seed = common.seed;
  const auto out = as_usage_error<std::invalid_argument>([&] { return std::make_unique<audio::FeatureOutput>(args.output); });
  audio::Utterances recordings(args.inputs, args.lists);
  BatchErrors errors(common.keep_going);
  audio::write_features(recordings, p, *out, [&](int64_t i) { return args.shard.mine(i); }, errors.on_bad_item());
  out->commit();
  return errors.finish();
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
  add_shard_option(*cmd, args->shard);
  args->features = audio::KaldiOptions(kind);
  audio::for_each_kaldi_option(args->features, kind, OptionFlags{*cmd});
  audio::for_each_reading_option(args->features.reading, OptionFlags{*cmd});
  audio::for_each_feature_output_option(args->output, OptionFlags{*cmd});
  cmd->add_option("--wav-scp", args->lists, "A list of recordings (Kaldi wav.scp: utt path per line)")->type_name("LIST");
  cmd->add_option("inputs", args->inputs, "Audio files; '-' reads a list from stdin");
  return [args, &common] { return run_features(*args, common); };
}

}  // namespace

Command add_mfcc_command(CLI::App& app, CommonOptions& common) { return add_command(app, common, audio::FeatureKind::Mfcc); }
Command add_fbank_command(CLI::App& app, CommonOptions& common) { return add_command(app, common, audio::FeatureKind::Fbank); }

}  // namespace attn::tools::speech
