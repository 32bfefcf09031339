#include "common/utterance_output.h"

#include <memory>
#include <stdexcept>

#include "common/batch_errors.h"
#include "common/declared_options.h"
#include "common/run_guarded.h"

namespace attn::tools {

void UtteranceOutputArgs::register_flags(CLI::App& cmd, const std::string& inputs_help) {
  add_shard_option(cmd, shard);
  audio::for_each_feature_output_option(output, OptionFlags{cmd});
  add_wav_scp_option(cmd, lists);
  cmd.add_option("inputs", inputs, inputs_help);
}

CLI::Option* add_wav_scp_option(CLI::App& cmd, std::vector<std::string>& lists) {
  return cmd.add_option("--wav-scp", lists, "A list of recordings (Kaldi wav.scp: utt path per line); may be repeated")
      ->allow_extra_args(false)
      ->type_name("LIST")
      ->default_str("");
}

int write_utterances(const UtteranceOutputArgs& args, bool keep_going, const UtteranceWriter& write) {
  const auto out = as_usage_error<std::invalid_argument>([&] { return std::make_unique<audio::FeatureOutput>(args.output); });
  BatchErrors errors(keep_going);
  write(*out, [&](int64_t i) { return args.shard.mine(i); }, errors.on_bad_item());
  out->commit();
  return errors.finish();
}

}  // namespace attn::tools
