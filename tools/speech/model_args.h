#pragma once
// What several attn-speech commands share: the model file or the built-in one, and the flags of
// test-time warp averaging.
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "attn/audio/speech_model_file.h"

namespace attn::tools::speech {

// --model PATH, or the built-in spoken-digit model when PATH is empty.
audio::SpeechModel load_model(const std::string& path, std::span<const unsigned char> builtin);
std::span<const unsigned char> builtin_model();

// --test-warps W,W,...: the mel warps of test-time warp averaging, each in [0.7, 1.3].
CLI::Option* add_test_warps_option(CLI::App& cmd, std::vector<float>& warps, const std::string& help);
inline constexpr const char* kTestWarpsHelp =
    "Average the probabilities over the features at these mel warps (test-time warp averaging; default: the model's)";
// The warps eval and predict use: --test-warps when given, else the model's.
std::vector<float> test_warps(const CLI::Option* flag, const std::vector<float>& given, const audio::SpeechModel& model);

}  // namespace attn::tools::speech
