#pragma once
// The transformer-encoder settings the tools share (--dim --layers --heads --ff-dim --dropout),
// registering their own flags. A tool starts them from its model config's defaults and copies
// them back before building the model:
//   EncoderOptions enc = EncoderOptions::from(model_config);
//   enc.register_flags(*cmd);
//   ... enc.check(); enc.apply_to(model_config);
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/cli.h"
#include "common/settings_table.h"

namespace attn::tools {

struct EncoderOptions {
  int dim = 64, layers = 2, heads = 4, ff_dim = 256;
  float dropout = 0.1f;
  bool has_ff_dim = true;  // false: the tool sizes its feed-forward otherwise (attn-image: --mlp-ratio)

  template <class Config>
  static EncoderOptions from(const Config& c) {
    EncoderOptions o;
    o.dim = c.dim, o.layers = c.layers, o.heads = c.heads, o.dropout = c.dropout;
    if constexpr (requires { c.ff_dim; }) o.ff_dim = c.ff_dim;
    else o.has_ff_dim = false;
    return o;
  }
  template <class Config>
  void apply_to(Config& c) const {
    c.dim = dim, c.layers = layers, c.heads = heads, c.dropout = dropout;
    if constexpr (requires { c.ff_dim; }) c.ff_dim = ff_dim;
  }

  void register_flags(CLI::App& cmd, const std::string& group = "");
  // Throws UsageError when --dim is not a multiple of --heads.
  void check() const;
  // The encoder's shape (--dim --layers --heads [--ff-dim]) as settings --init fixes; --dropout
  // is a training setting, which a tool shows where its line wants it.
  void add_shape(SettingsTable& settings) const;
  // train --init: the saved config keeps its dropout unless --dropout is given.
  template <class Config>
  void apply_given_dropout(Config& c, const CLI::App& cmd) const {
    if (given(cmd, "--dropout")) c.dropout = dropout;
  }
};

}  // namespace attn::tools
