// mfcc and fbank: Kaldi's compute-mfcc-feats / compute-fbank-feats (+ add-deltas, apply-cmvn)
// over files, wav.scp lists or a list on stdin.
#include <memory>
#include <string>
#include <vector>

#include "common/batch_errors.h"
#include "common/predict_kit.h"
#include "speech/commands.h"
#include "speech/feature_flags.h"
#include "attn/audio/utterances.h"

namespace attn::tools::speech {

namespace {

struct FeatureArgs {
  FeatureFlags features;
  FeatureOutputFlags output;
  std::vector<std::string> inputs, lists;
  Shard shard;
};

int run_features(const FeatureArgs& args, const CommonOptions& common) {
  audio::PipelineOptions p = resolve(args.features);
  p.dither_seed = common.seed;
  const auto out = open_feature_output(args.output);
  audio::Utterances utterances(args.inputs, args.lists);
  BatchErrors errors(common.keep_going);
  for (int64_t index = 0;; ++index) {
    audio::Utterance u;
    bool more = true;
    // A bad list line is one failed item; the list goes on with the next line.
    if (!errors.run("", [&] { more = utterances.next(u); })) continue;
    if (!more) break;
    if (!args.shard.mine(index)) continue;  // another shard's
    errors.run(u.where, [&] {
      out->write(u.entry.utt, p.dim(), [&](const audio::FrameSink& sink) {
        audio::compute_file_features(u.entry.path, p, sink);
      });
    });
  }
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
  add_feature_flags(*cmd, args->features, kind);
  add_feature_output_flags(*cmd, args->output);
  cmd->add_option("--wav-scp", args->lists, "A list of recordings (Kaldi wav.scp: utt path per line)")->type_name("LIST");
  cmd->add_option("inputs", args->inputs, "Audio files; '-' reads a list from stdin");
  return [args, &common] { return run_features(*args, common); };
}

}  // namespace

Command add_mfcc_command(CLI::App& app, CommonOptions& common) {
  return add_command(app, common, audio::FeatureKind::Mfcc);
}
Command add_fbank_command(CLI::App& app, CommonOptions& common) {
  return add_command(app, common, audio::FeatureKind::Fbank);
}

}  // namespace attn::tools::speech
