#include "speech/model_args.h"

#include "common/builtin_model.h"
#include "common/embedded_model.h"

namespace attn::tools::speech {

std::span<const unsigned char> builtin_model() { return builtin_default_model(); }

audio::SpeechModel load_model(const std::string& path, std::span<const unsigned char> builtin) {
  return audio::load_speech_model(open_model_or_builtin(path, builtin));
}

CLI::Option* add_test_warps_option(CLI::App& cmd, std::vector<float>& warps, const std::string& help) {
  return cmd.add_option("--test-warps", warps, help)
      ->delimiter(',')
      ->expected(1, 32)
      ->check(CLI::Range(float(audio::kMinMelWarp), float(audio::kMaxMelWarp)));
}

std::vector<float> test_warps(const CLI::Option* flag, const std::vector<float>& given, const audio::SpeechModel& model) {
  return flag->count() > 0 ? given : model.mel_warps;
}

}  // namespace attn::tools::speech
