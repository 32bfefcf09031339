#include "common/fit_options.h"

#include "attn/parallel.h"
#include "common/cli.h"

namespace attn::tools {

FitOptions::FitOptions(const FitDefaults& d)
    : epochs(d.epochs), lr(d.lr), batch_size(d.batch_size), warmup(d.warmup),
      weight_decay(d.weight_decay), clip(d.clip) {}

void FitOptions::register_flags(CLI::App& cmd, const std::string& items, const std::string& group) {
  std::vector<CLI::Option*> added;
  auto keep = [&](CLI::Option* o) { added.push_back(o); return o; };
  if (offer_batches) keep(add_data_option(cmd, valid, false, "Validation data, same form as --data: scored after every epoch (loss, accuracy, macro-F1); the model saved is the best epoch", "--valid"));
  keep(cmd.add_option("--patience", patience, "With --valid: stop after this many epochs without a lower validation loss (0: run all epochs)"))->capture_default_str()->check(CLI::Range(0, 1000000));
  keep(cmd.add_option("--epochs", epochs, "Passes over the training data"))->capture_default_str()->check(CLI::Range(1, 10000));
  keep(cmd.add_option("--lr", lr, "Peak learning rate (AdamW, warm-up then cosine decay)"))->capture_default_str()->check(CLI::Range(1e-6, 1.0));
  if (offer_batches) keep(cmd.add_option("--batch-size", batch_size, "Training " + items + " per step"))->capture_default_str()->check(CLI::Range(1, 4096));
  if (offer_batches) keep(cmd.add_option("--warmup", warmup, "Warm-up fraction of all steps"))->capture_default_str()->check(CLI::Range(0.0, 1.0));
  keep(cmd.add_option("--weight-decay", weight_decay, "AdamW weight decay"))->capture_default_str()->check(CLI::Range(0.0, 1.0));
  if (offer_batches) keep(cmd.add_option("--clip", clip, "Gradient-norm clipping (0: off)"))->capture_default_str()->check(CLI::Range(0.0, 1e6));
  keep(cmd.add_option("--class-weight", class_weight, "Loss weight per label: none, balanced (inverse label frequency) or a FILE of label<TAB>weight lines (labels not in it: 1)"))->capture_default_str();
  keep(cmd.add_option("--init", init, "Fine-tune from this saved model of the same task: its architecture and input settings are kept; a head for other labels starts afresh"));
  keep(add_enum_option(cmd, "--storage", storage, {{"f32", DType::F32}, {"f16", DType::F16}, {"bf16", DType::BF16}}, "Weight precision in the model file (f16, bf16: half the size)"));
  if (!group.empty())
    for (CLI::Option* o : added) o->group(group);
}

FitConfig FitOptions::to_config(uint64_t seed) const {
  FitConfig c;
  c.epochs = epochs;
  c.adamw.lr = lr;
  c.adamw.weight_decay = weight_decay;
  c.batching.max_items = batch_size;
  c.warmup_fraction = warmup;
  c.clip_norm = clip;
  c.patience = patience;
  c.seed = seed;
  return c;
}

void add_fit_settings(SettingsTable& settings, const FitConfig& f) {
  settings.show("epochs", f.epochs).show("batch-size", f.batching.max_items).show("lr", f.adamw.lr);
  settings.show("warmup", f.warmup_fraction).show("weight-decay", f.adamw.weight_decay).show("clip", f.clip_norm);
  settings.show("seed", f.seed).show("threads", attn::threads());
}

}  // namespace attn::tools
