#pragma once
// A command that reads a model (eval, predict, attention): --model MODEL, or the built-in model
// without it, and the settings stored in the model that the command line may override for one
// run (test-time averaging: attn-image's --test-shift and --test-views, attn-speech's
// --test-warps). An override is held as a std::optional, empty unless its flag is given, and
// applied to the model once it is read:
//   ModelChoice<audio::SpeechModel> model;
//   CLI::App* cmd = model.add_subcommand(app, "predict", "Label each utterance", common, kModelHelp);
//   model.add_override<std::vector<float>>(*cmd, "--test-warps", "Mel warps (default: the model's)",
//                                          [](audio::SpeechModel& m, const std::vector<float>& w) { m.mel_warps = w; });
//   ... const audio::SpeechModel m = model.load(builtin, [](const SafeTensorsFile& f) { return audio::load_speech_model(f); });
// A command that averages an ensemble (add_subcommand with `ensemble`) lets --model be given more
// than once and calls load_all.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/embedded_model.h"
#include "common/run_guarded.h"
#include "common/tool_main.h"

namespace attn::tools {

template <class Model>
class ModelChoice {
 public:
  ModelChoice() = default;
  ModelChoice(const ModelChoice&) = delete;  // the flags refer to its members
  ModelChoice& operator=(const ModelChoice&) = delete;

  // The subcommand as add_model_subcommand registers it: the common flags, --keep-going, --model
  // (with `ensemble`, one that may be repeated).
  CLI::App* add_subcommand(CLI::App& app, const std::string& name, const std::string& help, CommonOptions& common,
                           const std::string& model_help, bool ensemble = false) {
    if (ensemble) return add_model_subcommand(app, name, help, common, paths_, model_help);
    return add_model_subcommand(app, name, help, common, path_, model_help);
  }

  // FLAG VALUE on `cmd`: once the model is read, set(model, VALUE) overrides what it stores. An
  // attn::Error from set (the model refusing the value) is a usage error naming the flag:
  // "--test-shift: test shift 5: expected 0 to 4 pixels". CLI11 shows no default for it.
  template <class T, class Set>
  CLI::Option* add_override(CLI::App& cmd, const std::string& flag, const std::string& help, Set set) {
    auto value = std::make_shared<std::optional<T>>();
    overrides_.push_back([flag, value, set](Model& model) {
      if (!value->has_value()) return;
      try {
        set(model, **value);
      } catch (const Error& e) {
        throw UsageError(flag + ": " + e.what());
      }
    });
    return cmd.add_option(flag, *value, help);
  }

  // The model at --model, or the built-in one, read by read(file), with the overrides given
  // applied in the order they were added.
  template <class Read>
  Model load(Builtin builtin, Read&& read) const {
    return load_one(paths_.empty() ? path_ : paths_[0], builtin, read);
  }

  // Every --model (an ensemble; the built-in model without one), each read by read(file) with the
  // overrides applied. check(first, other) throws an attn::Error if another cannot join the
  // first, which becomes "MODEL: cannot join an ensemble with FIRST: <why>".
  template <class Read, class Check>
  std::vector<Model> load_all(Builtin builtin, Read&& read, Check&& check) const {
    std::vector<Model> models;
    if (paths_.size() <= 1) {
      models.push_back(load(builtin, read));
      return models;
    }
    models.push_back(load_one(paths_[0], builtin, read));
    for (size_t i = 1; i < paths_.size(); ++i) {
      const std::string& path = paths_[i];
      models.push_back(load_one(path, builtin, read));
      try {
        check(models.front(), models.back());
      } catch (const Error& e) {
        throw Error(path + ": cannot join an ensemble with " + paths_[0] + ": " + e.what());
      }
    }
    return models;
  }

 private:
  template <class Read>
  Model load_one(const std::string& path, Builtin builtin, Read& read) const {
    Model model = read(open_model_or_builtin(path, builtin));
    for (const auto& apply : overrides_) apply(model);
    return model;
  }

  std::string path_;                 // --model; empty: the built-in model
  std::vector<std::string> paths_;  // with `ensemble`: each --model; none: the built-in model
  std::vector<std::function<void(Model&)>> overrides_;
};

}  // namespace attn::tools
