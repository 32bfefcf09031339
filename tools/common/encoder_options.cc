#include "common/encoder_options.h"

#include "common/run_guarded.h"

namespace attn::tools {

void EncoderOptions::register_flags(CLI::App& cmd, const std::string& group) {
  std::vector<CLI::Option*> added;
  added.push_back(cmd.add_option("--dim", dim, "Model width")->capture_default_str()->check(CLI::Range(8, 1024)));
  added.push_back(cmd.add_option("--layers", layers, "Encoder layers")->capture_default_str()->check(CLI::Range(0, 24)));
  added.push_back(cmd.add_option("--heads", heads, "Attention heads")->capture_default_str()->check(CLI::Range(1, 64)));
  if (has_ff_dim)
    added.push_back(cmd.add_option("--ff-dim", ff_dim, "Feed-forward width")->capture_default_str()->check(CLI::Range(8, 16384)));
  added.push_back(cmd.add_option("--dropout", dropout, "Dropout rate")->capture_default_str()->check(CLI::Range(0.0, 0.9)));
  if (!group.empty())
    for (CLI::Option* o : added) o->group(group);
}

void EncoderOptions::check() const {
  if (dim % heads != 0)
    throw UsageError("--dim (" + std::to_string(dim) + ") must be a multiple of --heads (" +
                     std::to_string(heads) + ")");
}

void EncoderOptions::add_shape(SettingsTable& settings) const {
  settings.fix("dim", dim).fix("layers", layers).fix("heads", heads);
  if (has_ff_dim) settings.fix("ff-dim", ff_dim);
}

}  // namespace attn::tools
