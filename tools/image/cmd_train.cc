// attn-image train: defaults from the training images, ViT, augmentation, training loop, model.
#include <algorithm>
#include <filesystem>
#include <memory>

#include "attn/error.h"
#include "attn/parallel.h"
#include "attn/rng.h"
#include "attn/vision/model_file.h"
#include "commands.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/run_guarded.h"
#include "image_data.h"

namespace attn::tools::image {
namespace {

struct TrainArgs {
  DataSource data, valid;
  std::string output, fit = "crop", pool = "cls", stem = "linear", storage = "f32", label_names;
  int image_size = 0, channels = 0, patch = 0;  // 0: derived from the training images
  vision::ViTConfig model;
  vision::ViTTrainConfig train;
  FitConfig fit_config;
  float lr = 3e-3f;
  int batch_size = 128;
  bool save_epochs = false;
};

std::vector<std::string> split_names(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == ',') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

// The smallest patch (>= 2) that divides the image into at most 8 x 8 patches.
int default_patch(int size) {
  for (int p = 2; p <= size; ++p)
    if (size % p == 0 && size / p <= 8) return p;
  return size;
}

// Defaults from what the images are: their size, their number and whether any is in colour.
void derive_defaults(TrainArgs& a, const DataSummary& s, const CLI::App& cmd) {
  auto given = [&](const char* flag) { return cmd.get_option(flag)->count() > 0; };
  if (!a.channels) a.channels = s.colour ? 3 : 1;
  if (!a.image_size) a.image_size = std::clamp(s.median_side / 4 * 4, 8, 64);
  if (!a.patch) a.patch = default_patch(a.image_size);
  // Many images train for few epochs, where regularisation only slows learning (measured on a
  // Fashion-MNIST validation slice, assets/models/README.md); few images need it.
  const bool many = s.count >= 20000;
  if (!given("--crop-padding")) a.train.augment.crop_padding = many ? 0 : std::max(1, a.image_size / 8);
  if (!given("--erase")) a.train.augment.erase_prob = many ? 0.0f : 0.25f;
  if (!given("--drop-path")) a.model.drop_path = many ? 0.0f : 0.1f;
  if (!given("--label-smoothing")) a.train.label_smoothing = many ? 0.0f : 0.1f;
  if (!given("--epochs")) a.fit_config.epochs = std::clamp(300000 / std::max(1, s.count), 10, 200);
  if (!given("--batch-size")) a.batch_size = std::clamp(s.count / 20, 16, 128);
}

void check_output(const std::string& output) {
  const auto dir = std::filesystem::path(output).parent_path();
  std::error_code ec;
  if (std::filesystem::is_directory(output, ec)) throw Error(output + ": is a directory");
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
    throw Error(output + ": no such directory '" + dir.string() + "'");
}

std::string settings_line(const TrainArgs& a, const vision::ViTConfig& m, int items) {
  const auto& g = a.train.augment;
  return fmt::format(
      "settings: images {} labels {} | image-size {} channels {} fit {} stem {} patch {} ({} patches) | "
      "dim {} layers {} heads {} mlp-ratio {} dropout {} drop-path {} pool {} | crop-padding {} "
      "flip {} erase {} mixup {} cutmix {} label-smoothing {} | epochs {} batch-size {} lr {} "
      "warmup {} weight-decay {} clip {} seed {} threads {}",
      items, m.num_labels, m.image_size, m.channels, a.fit, a.stem, m.patch, m.tokens() - 1, m.dim,
      m.layers, m.heads, m.mlp_ratio, m.dropout, m.drop_path, a.pool, g.crop_padding,
      g.flip ? "on" : "off", g.erase_prob, g.mixup_alpha, g.cutmix_alpha, a.train.label_smoothing,
      a.fit_config.epochs, a.batch_size, a.lr, a.fit_config.warmup_fraction,
      a.fit_config.adamw.weight_decay, a.fit_config.clip_norm, a.fit_config.seed, attn::threads());
}

int run_train(TrainArgs& a, const CommonOptions& common, const CLI::App& cmd,
              const std::string& command_line) {
  if (a.data.data.empty() == a.data.idx.empty())
    throw UsageError("give the training images as --data FOLDER|LIST or as --idx IMAGES LABELS");
  check_output(a.output);
  if (!a.label_names.empty()) {
    if (a.data.idx.empty()) throw UsageError("--label-names names IDX labels; it needs --idx");
    a.data.idx_names = a.valid.idx_names = split_names(a.label_names);
  }
  BatchErrors errors(common.keep_going);
  const DataSummary summary = summarize(a.data, errors);
  if (summary.count == 0) throw Error(a.data.name() + ": no readable images");
  if (summary.labels.size() < 2)
    throw Error(a.data.name() + ": only one label (\"" + summary.labels.front() +
                "\"); a classifier needs at least two");
  derive_defaults(a, summary, cmd);
  vision::ViTConfig& m = a.model;
  m.image_size = a.image_size;
  m.channels = a.channels;
  m.patch = a.patch;
  m.num_labels = static_cast<int>(summary.labels.size());
  m.pool = a.pool == "cls" ? PoolKind::Cls : PoolKind::Mean;
  m.stem = a.stem == "conv" ? vision::StemKind::Conv : vision::StemKind::Linear;
  try {
    vision::check_vit_config(m);
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
  const vision::Fit fit = vision::fit_from_string(a.fit);
  const vision::ImageSet train = load_set(a.data, summary.labels, m.image_size, m.channels, fit, errors, &summary);
  vision::ImageSet valid;
  if (!a.valid.data.empty() || !a.valid.idx.empty())
    valid = load_set(a.valid, summary.labels, m.image_size, m.channels, fit, errors);
  if (train.count() == 0) throw Error(a.data.name() + ": no readable images");

  vision::ImageModel model;
  model.vit = std::make_unique<vision::ViT>(m);
  model.labels = summary.labels;
  model.input.fit = fit;
  std::vector<vision::Image> sample;  // statistics from up to 10,000 images is plenty
  for (int i = 0; i < train.count() && i < 10000; ++i) sample.push_back(train.image(i));
  model.input.stats = vision::channel_stats(sample);
  a.fit_config.seed = common.seed;
  a.fit_config.adamw.lr = a.lr;
  a.fit_config.batching.max_items = a.batch_size;
  log_info("{}", settings_line(a, m, train.count()));
  Rng rng(common.seed);
  model.vit->init(rng);
  log_info("parameters: {}", model.vit->parameter_count());

  const DType storage = a.storage == "f16" ? DType::F16 : DType::F32;
  auto save = [&](vision::ImageModel& m) {
    vision::save_image_model(a.output, m, {{"attn.train_command", command_line}}, storage);
  };
  vision::ViTTrainable trainable(*model.vit, train, model.input.stats, a.train);
  TrainingProgress progress(a.fit_config.epochs, train.count());
  FitCallbacks callbacks;
  FitProgress last;
  int shown_epoch = 0;
  callbacks.progress = [&](const FitProgress& p) {
    if (p.epoch != shown_epoch) progress.start_epoch(shown_epoch = p.epoch);
    if (!p.epoch_done) progress.update(p.items_done, p.loss, p.accuracy);
    last = p;
  };
  callbacks.epoch_end = [&](int) {
    EpochResult r{last.loss, last.accuracy, {}, {}};
    if (valid.count() > 0) {
      const vision::ViTEvaluation ev = vision::evaluate(*model.vit, valid, model.input.stats);
      r.valid_loss = ev.loss;
      r.valid_accuracy = ev.accuracy;
    }
    progress.end_epoch(r);
    if (a.save_epochs) save(model);
  };
  attn::fit(trainable, std::vector<int>(train.count(), m.tokens()), a.fit_config, callbacks);
  if (last.skipped_steps > 0)
    log_warning("{} steps were skipped for non-finite gradients", last.skipped_steps);
  save(model);
  log_info("wrote {}", a.output);
  return errors.finish();
}

}  // namespace

Command add_train_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "Train a ViT on labelled images");
  add_common_flags(*cmd, common);
  add_seed_flag(*cmd, common);
  add_keep_going_flag(*cmd, common);
  auto& a = *args;
  add_data_option(*cmd, a.data.data, false, "Training images: a folder with one sub-folder per label, or a path<TAB>label list");
  cmd->add_option("--idx", a.data.idx, "Training images as IDX files (gzipped or not): IMAGES LABELS")->expected(2);
  add_data_option(*cmd, a.valid.data, false, "Validation images, same forms (scored after every epoch)", "--valid");
  cmd->add_option("--valid-idx", a.valid.idx, "Validation images as IDX files: IMAGES LABELS")->expected(2);
  cmd->add_option("--label-names", a.label_names, "Names of IDX labels 0, 1, ... separated by commas");
  add_output_option(*cmd, a.output, true, "Model file to write (safetensors)");
 cmd->add_flag("--save-epochs", a.save_epochs, "Also write the model after every epoch (an interrupted run keeps its last finished epoch)");
  add_choice_option(*cmd, "--storage", a.storage, {"f32", "f16"}, "Weight precision in the model file (f16: half the size)");
  auto& m = a.model;
  auto& g = a.train.augment;
  auto& f = a.fit_config;
  f.epochs = 10;
  f.warmup_fraction = 0.05f;
  f.adamw.weight_decay = 0.05f;
  cmd->add_option("--image-size", a.image_size, "Model input side S (default: the images' median shorter side, at most 64)")->check(CLI::Range(8, 1024));
  cmd->add_option("--channels", a.channels, "1 grey or 3 colour (default: 3 if any image is in colour)")->check(CLI::IsMember({1, 3}));
  add_choice_option(*cmd, "--fit", a.fit, {"crop", "pad", "stretch"}, "How other sizes become S x S: centre crop, pad with black, or stretch");
  cmd->add_option("--patch", a.patch, "Patch side p, dividing S (default: the smallest giving at most 8 x 8 patches)")->check(CLI::Range(1, 1024));
  cmd->add_option("--dim", m.dim, "Model width")->capture_default_str()->check(CLI::Range(8, 1024));
  cmd->add_option("--layers", m.layers, "Encoder layers")->capture_default_str()->check(CLI::Range(0, 24));
  cmd->add_option("--heads", m.heads, "Attention heads")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--mlp-ratio", m.mlp_ratio, "Feed-forward width as a multiple of --dim")->capture_default_str()->check(CLI::Range(0.25, 16.0));
  cmd->add_option("--dropout", m.dropout, "Dropout rate")->capture_default_str()->check(CLI::Range(0.0, 0.9));
  cmd->add_option("--drop-path", m.drop_path, "Stochastic depth of the last block, linearly less below (default: 0.1, or 0 from 20,000 images)")->check(CLI::Range(0.0, 0.9));
  add_choice_option(*cmd, "--pool", a.pool, {"cls", "mean"}, "Head input: the class token, or the mean of all tokens");
  add_choice_option(*cmd, "--stem", a.stem, {"linear", "conv"}, "Patch embedding: one linear map per patch, or 3x3 stride-2 convolutions (patch a power of two)");
  cmd->add_option("--crop-padding", g.crop_padding, "Random crop after padding by this many pixels (default: S/8, or 0 from 20,000 images)")->check(CLI::Range(0, 256));
  cmd->add_flag("--flip", g.flip, "Random horizontal flips (not for digits or text)");
  cmd->add_option("--erase", g.erase_prob, "Random-erasing probability (default: 0.25, or 0 from 20,000 images)")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--mixup", g.mixup_alpha, "Mixup alpha (0: off)")->capture_default_str()->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--cutmix", g.cutmix_alpha, "CutMix alpha (0: off)")->capture_default_str()->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--label-smoothing", a.train.label_smoothing, "Label smoothing (default: 0.1, or 0 from 20,000 images)")->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--epochs", f.epochs, "Passes over the training images (default: 300,000 images' worth, 10..200)")->check(CLI::Range(1, 10000));
  cmd->add_option("--lr", a.lr, "Peak learning rate (AdamW, warm-up then cosine decay)")->capture_default_str()->check(CLI::Range(1e-6, 1.0));
  cmd->add_option("--batch-size", a.batch_size, "Images per step (default: 1/20 of the images, 16..128)")->check(CLI::Range(1, 4096));
  cmd->add_option("--warmup", f.warmup_fraction, "Warm-up fraction of all steps")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--weight-decay", f.adamw.weight_decay, "AdamW weight decay")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--clip", f.clip_norm, "Gradient-norm clipping (0: off)")->capture_default_str()->check(CLI::Range(0.0, 1e6));
  return [args, &common, cmd] {
    // The settings as given, recorded in the model file (attn.train_command).
    std::string line = "attn-image train";
    for (const CLI::Option* opt : cmd->get_options())
      if (opt->count() > 0 && !opt->get_lnames().empty()) {
        line += " --" + opt->get_lnames().front();
        if (opt->get_expected_min() > 0)
          for (const std::string& r : opt->reduced_results())
            line += r.find_first_of(" \t'\"\\$") == std::string::npos ? " " + r : " '" + r + "'";
      }
    return run_train(*args, common, *cmd, line);
  };
}

}  // namespace attn::tools::image
