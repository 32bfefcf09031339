#pragma once
// train --init MODEL, the first step every tool takes with it: the saved model loaded, and a
// flag given against a setting it fixes refused before any data is read.
//   std::optional<TextModel> base = load_init_model(a.fit.init, cmd, text::load_text_model,
//       [](const TextModel& m) { return model_settings(*m.classifier, m.documents); });
//   if (base) a.input.documents = base->documents;  // the tool keeps what the model fixes
#include <optional>
#include <string>
#include <type_traits>

#include <CLI/CLI.hpp>

#include "attn/checkpoint.h"
#include "common/embedded_model.h"

namespace attn::tools {

// None when `init` is empty. Else the model `load` reads from the file `init`, once the settings
// `fixed_settings` lists for it (a SettingsTable) have refused every conflicting flag of `cmd`.
template <class Load, class Fixed, class Model = std::invoke_result_t<Load&, const SafeTensorsFile&>>
std::optional<Model> load_init_model(const std::string& init, const CLI::App& cmd, Load load, Fixed fixed_settings) {
  if (init.empty()) return std::nullopt;
  std::optional<Model> model(load(open_model_or_builtin(init, {})));
  fixed_settings(*model).refuse_init_conflicts(cmd, init);
  return model;
}

}  // namespace attn::tools
