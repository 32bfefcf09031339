#pragma once
// What a command that writes one matrix per utterance shares (mfcc and fbank write features,
// encode writes embeddings): its inputs, --wav-scp lists, --shard and output flags, and the run
// around the writer: open the output, write the items of this shard, commit, report bad items.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/audio/feature_output.h"
#include "attn/data/labelled_files.h"
#include "common/predict_kit.h"

namespace attn::tools {

struct UtteranceOutputArgs {
  std::vector<std::string> inputs, lists;
  Shard shard;
  audio::FeatureOutputOptions output;

  // --shard, the output flags, --wav-scp and the inputs, described by inputs_help.
  void register_flags(CLI::App& cmd, const std::string& inputs_help);
};

// --wav-scp LIST, repeatable, each time one list (so that the inputs after it stay inputs).
CLI::Option* add_wav_scp_option(CLI::App& cmd, std::vector<std::string>& lists);

// Writes each item of the shard with write(out, mine, on_bad_item) into the output the flags
// name, and commits it. Returns the exit code (the documented one for bad items); an output
// whose options do not go together is a usage error.
using UtteranceWriter = std::function<void(audio::FeatureOutput& out, const std::function<bool(int64_t)>& mine,
                                           const data::BadItemHandler& on_bad_item)>;
int write_utterances(const UtteranceOutputArgs& args, bool keep_going, const UtteranceWriter& write);

}  // namespace attn::tools
