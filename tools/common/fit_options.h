#pragma once
// The training settings every tool's `train` shares, registering their own flags (in the style
// of Kaldi's Options::Register) so that each tool spells and explains them the same way:
//   --epochs --lr --batch-size --warmup --weight-decay --clip   (attn::FitConfig)
//   --valid --patience                                           (validation, early stopping)
//   --class-weight none|balanced|FILE --init MODEL --storage f32|f16|bf16
// A tool passes its own defaults:
//   FitOptions fit({.epochs = 8, .lr = 2e-3f, .batch_size = 32, .weight_decay = 0.01f});
//   fit.register_flags(*cmd);
//   ... FitConfig config = fit.to_config(common.seed);
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "attn/checkpoint.h"
#include "attn/train/fit.h"
#include "common/settings_table.h"

namespace attn::tools {

struct FitDefaults {
  int epochs = 10;
  float lr = 2e-3f;
  int batch_size = 32;
  float warmup = 0.05f;        // fraction of all steps
  float weight_decay = 0.01f;  // AdamW's
  double clip = 1.0;           // gradient-norm clipping, 0: off
};

struct FitOptions {
  explicit FitOptions(const FitDefaults& defaults = {});

  int epochs;
  float lr;
  int batch_size;
  float warmup;
  float weight_decay;
  double clip;
  int patience = 0;  // with --valid: epochs without a lower validation loss before stopping
  std::string valid;                  // --valid DATA; empty: no validation
  std::string class_weight = "none";  // none | balanced | FILE (see class_weights.h)
  std::string init;                   // --init MODEL: fine-tune from a saved model
  DType storage = DType::F32;         // --storage
  // false for one full batch validated on its own split (attn-graph: the split's val nodes):
  // no --valid, --batch-size, --warmup or --clip, which have no meaning there.
  bool offer_batches = true;

  // Registers the flags on `cmd`, in `group` when not empty. `items` names what a batch holds
  // in help texts ("items", "images", "utterances").
  void register_flags(CLI::App& cmd, const std::string& items = "items", const std::string& group = "");
  // FitConfig with these settings and `seed` (batching by item count; a tool adds token
  // budgets or sort windows itself).
  FitConfig to_config(uint64_t seed) const;
};

// The end of a tool's "settings:" line: "epochs 8 batch-size 32 lr 0.002 warmup 0.05
// weight-decay 0.01 clip 1 seed 1 threads 2", none of them fixed by --init.
void add_fit_settings(SettingsTable& settings, const FitConfig& f);

}  // namespace attn::tools
