// attn-image train: defaults from the training images, ViT, augmentation, training loop, model.
#include <filesystem>
#include <memory>
#include <optional>

#include "attn/error.h"
#include "attn/vision/labelled_images.h"
#include "attn/vision/model_file.h"
#include "attn/vision/test_shift.h"
#include "attn/vision/vit_defaults.h"
#include "commands.h"
#include "common/train_kit.h"

namespace attn::tools::image {
namespace {

struct TrainArgs {
  vision::ImageSource data, valid;
  std::string output, fit = "crop", label_names;
  int image_size = 0, channels = 0, patch = 0;  // 0: derived from the training images
  int test_shift = -1;                          // -1: derived from the crop padding
  std::string test_views = "grid";  // on Fashion-MNIST validation the 9-view grid beat the 5-view cross
  vision::ViTConfig model;
  vision::ViTTrainConfig train;
  EncoderOptions encoder = EncoderOptions::from(vision::ViTConfig{});
  FitOptions fit_options{{.epochs = 10, .lr = 3e-3f, .batch_size = 128, .warmup = 0.05f, .weight_decay = 0.05f}};
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

// The defaults from the training images (attn/vision/vit_defaults.h) for what was not given.
void derive_defaults(TrainArgs& a, const vision::ImageSummary& s, const CLI::App& cmd) {
  const vision::ViTDefaults d = vision::vit_defaults(s, a.image_size);
  if (!a.channels) a.channels = d.channels;
  a.image_size = d.image_size;
  if (!a.patch) a.patch = d.patch;
  if (!given(cmd, "--crop-padding")) a.train.augment.crop_padding = d.crop_padding;
  if (a.test_shift < 0) a.test_shift = vision::default_test_shift(a.train.augment.crop_padding);
  if (!given(cmd, "--erase")) a.train.augment.erase_prob = d.erase_prob;
  if (!given(cmd, "--drop-path")) a.model.drop_path = d.drop_path;
  if (!given(cmd, "--label-smoothing")) a.train.label_smoothing = d.label_smoothing;
  if (!given(cmd, "--epochs")) a.fit_options.epochs = d.epochs;
  if (!given(cmd, "--batch-size")) a.fit_options.batch_size = d.batch_size;
}

// The settings an image model is trained with, from its config: --init fixes its architecture
// and how it reads an image.
SettingsTable model_settings(const vision::ViTConfig& m, vision::Fit fit) {
  SettingsTable s;
  s.fix("image-size", m.image_size).fix("channels", m.channels).fix("fit", vision::to_string(fit));
  s.fix("stem", m.stem == vision::StemKind::Conv ? "conv" : "linear");
  s.fix("patch", m.patch).note(fmt::format("({} patches)", m.tokens() - 1)).group();
  EncoderOptions::from(m).add_shape(s);
  s.fix("mlp-ratio", m.mlp_ratio).show("dropout", m.dropout).show("drop-path", m.drop_path);
  return s.fix("pool", m.pool == PoolKind::Cls ? "cls" : "mean");
}

// The run's augmentation and loss settings (free under --init).
SettingsTable augment_settings(const vision::ViTTrainConfig& t) {
  const auto& g = t.augment;
  SettingsTable s;
  s.show("crop-padding", g.crop_padding).show("flip", g.flip ? "on" : "off").show("erase", g.erase_prob);
  return s.show("mixup", g.mixup_alpha).show("cutmix", g.cutmix_alpha).show("label-smoothing", t.label_smoothing);
}

int run_train(TrainArgs& a, const CommonOptions& common, const CLI::App& cmd,
              const std::string& command_line) {
  if (a.data.data.empty() == a.data.idx.empty())
    throw UsageError("give the training images as --data FOLDER|LIST or as --idx IMAGES LABELS");
  a.encoder.check();
  check_train_output(a.output);
  a.valid.data = a.fit_options.valid;
  if (!a.label_names.empty()) {
    if (a.data.idx.empty()) throw UsageError("--label-names names IDX labels; it needs --idx");
    a.data.idx_names = a.valid.idx_names = split_names(a.label_names);
  }
  const std::string& init = a.fit_options.init;
  std::optional<vision::ImageModel> base;
  if (!init.empty()) {
    base = vision::load_image_model(open_model_or_builtin(init, {}));
    model_settings(base->vit->config(), base->input.fit).refuse_init_conflicts(cmd, init);
    const vision::ViTConfig& c = base->vit->config();
    a.image_size = c.image_size, a.channels = c.channels, a.patch = c.patch;
    a.fit = vision::to_string(base->input.fit);
  }
  BatchErrors errors(common.keep_going);
  const vision::ImageSummary summary = vision::summarize(a.data, errors.on_bad_item());
  if (summary.count == 0) throw Error(a.data.name() + ": no readable images");
  check_labels(summary.labels, a.data.name());
  derive_defaults(a, summary, cmd);
  vision::ViTConfig& m = a.model;
  if (base) {  // the saved architecture; drop-path as derived or given for this run
    const float drop_path = m.drop_path;
    m = base->vit->config();
    m.drop_path = drop_path;
    a.encoder.apply_given_dropout(m, cmd);
  } else {
    a.encoder.apply_to(m);
    m.image_size = a.image_size;
    m.channels = a.channels;
    m.patch = a.patch;
  }
  m.num_labels = static_cast<int>(summary.labels.size());
  vision::TestViews views{.shift = a.test_shift};
  try {
    vision::check_vit_config(m);
    vision::check_test_shift(a.test_shift, m.image_size);
    vision::set_views_name(a.test_views, views);
  } catch (const Error& e) {
    throw UsageError(e.what());
  }
  const vision::Fit fit = vision::fit_from_string(a.fit);
  const vision::ImageSet train = vision::load_set(a.data, summary.labels, m.image_size, m.channels, fit, errors.on_bad_item(), &summary);
  vision::ImageSet valid;
  if (!a.valid.data.empty() || !a.valid.idx.empty())
    valid = vision::load_set(a.valid, summary.labels, m.image_size, m.channels, fit, errors.on_bad_item());
  if (train.count() == 0) throw Error(a.data.name() + ": no readable images");

  vision::ImageModel model;
  model.vit = std::make_unique<vision::ViT>(m);
  model.labels = summary.labels;
  model.input.fit = fit;
  model.input.test_views = views;
  if (base) {
    model.input.stats = base->input.stats;  // the weights were learnt on inputs normalised with these
  } else {
    std::vector<vision::Image> sample;  // statistics from up to 10,000 images is plenty
    for (int i = 0; i < train.count() && i < 10000; ++i) sample.push_back(train.image(i));
    model.input.stats = vision::channel_stats(sample);
  }
  const FitConfig config = a.fit_options.to_config(common.seed);
  SettingsTable settings;
  settings.show("images", train.count()).show("labels", m.num_labels).group().append(model_settings(m, fit));
  settings.group().append(augment_settings(a.train)).show("test-shift", a.test_shift).show("test-views", a.test_views).group();
  add_fit_settings(settings, config);
  log_info("{}", settings.line());
  Rng rng(common.seed);
  model.vit->init(rng);
  if (base) {
    start_from(model.vit->parameters(), base->vit->parameters(), base->labels, summary.labels, init);
    base.reset();  // its weights are copied
  }
  log_info("parameters: {}", model.vit->parameter_count());

  const auto metadata = train_metadata(command_line, init);
  auto save = [&](vision::ImageModel& m) { vision::save_image_model(a.output, m, metadata, a.fit_options.storage); };
  LabelIds train_ids;
  for (int32_t l : train.labels) train_ids.push_back({l});
  a.train.class_weights = class_weights(a.fit_options.class_weight, summary.labels, train_ids);
  vision::ViTTrainable trainable(*model.vit, train, model.input.stats, a.train);
  TrainRun run{train.count(), {}, {}};
  if (valid.count() > 0)
    run.validate = [&] {
      const vision::ViTEvaluation ev = vision::evaluate(*model.vit, valid, model.input.stats, model.input.test_views);
      return score_of(ev.loss, ev.confusion);
    };
  if (a.save_epochs) run.after_epoch = [&](int) { save(model); };
  run_fit(trainable, std::vector<int>(train.count(), m.tokens()), config, run);
  save(model);
  log_info("wrote {}", a.output);
  return errors.finish();
}

}  // namespace

Command add_train_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = add_train_subcommand(app, "Train a ViT on labelled images", common);
  auto& a = *args;
  add_data_option(*cmd, a.data.data, false, "Training images: a folder with one sub-folder per label, or a path<TAB>label list");
  cmd->add_option("--idx", a.data.idx, "Training images as IDX files (gzipped or not): IMAGES LABELS")->expected(2);
  cmd->add_option("--valid-idx", a.valid.idx, "Validation images as IDX files: IMAGES LABELS (as --valid)")->expected(2);
  cmd->add_option("--label-names", a.label_names, "Names of IDX labels 0, 1, ... separated by commas");
  add_output_option(*cmd, a.output, true, "Model file to write (safetensors)");
  cmd->add_flag("--save-epochs", a.save_epochs, "Also write the model after every epoch (an interrupted run keeps its last finished epoch)");
  auto& m = a.model;
  auto& g = a.train.augment;
  cmd->add_option("--image-size", a.image_size, "Model input side S (default: the images' median shorter side, at most 64)")->check(CLI::Range(8, 1024));
  cmd->add_option("--channels", a.channels, "1 grey or 3 colour (default: 3 if any image is in colour)")->check(CLI::IsMember({1, 3}));
  add_choice_option(*cmd, "--fit", a.fit, {"crop", "pad", "stretch"}, "How other sizes become S x S: centre crop, pad with black, or stretch");
  cmd->add_option("--patch", a.patch, "Patch side p, dividing S (default: the smallest giving at most 8 x 8 patches)")->check(CLI::Range(1, 1024));
  a.encoder.register_flags(*cmd);
  cmd->add_option("--mlp-ratio", m.mlp_ratio, "Feed-forward width as a multiple of --dim")->capture_default_str()->check(CLI::Range(0.25, 16.0));
  cmd->add_option("--drop-path", m.drop_path, "Stochastic depth of the last block, linearly less below (default: 0.1, or 0 from 20,000 images)")->check(CLI::Range(0.0, 0.9));
  add_enum_option(*cmd, "--pool", m.pool, {{"cls", PoolKind::Cls}, {"mean", PoolKind::Mean}}, "Head input: the class token, or the mean of all tokens");
  add_enum_option(*cmd, "--stem", m.stem, {{"linear", vision::StemKind::Linear}, {"conv", vision::StemKind::Conv}}, "Patch embedding: one linear map per patch, or 3x3 stride-2 convolutions (patch a power of two)");
  cmd->add_option("--crop-padding", g.crop_padding, "Random crop after padding by this many pixels (default: S/8, or 0 from 20,000 images)")->check(CLI::Range(0, 256));
  cmd->add_option("--test-shift", a.test_shift, "Validation, eval and predict average the image and copies moved this many pixels (0: off; default: 1 with crop padding, else 0); stored in the model")->check(CLI::Range(0, 256));
  cmd->add_option("--test-views", a.test_views, "Which moved copies --test-shift averages: cross (4 moves) or grid (every move within the shift: 8 at shift 1); +flip adds their mirror images (for --flip models); stored in the model")->capture_default_str();
  cmd->add_flag("--flip", g.flip, "Random horizontal flips (not for digits or text)");
  cmd->add_option("--erase", g.erase_prob, "Random-erasing probability (default: 0.25, or 0 from 20,000 images)")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--mixup", g.mixup_alpha, "Mixup alpha (0: off)")->capture_default_str()->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--cutmix", g.cutmix_alpha, "CutMix alpha (0: off)")->capture_default_str()->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--label-smoothing", a.train.label_smoothing, "Label smoothing (default: 0.1, or 0 from 20,000 images)")->check(CLI::Range(0.0, 0.5));
  a.fit_options.register_flags(*cmd, "images");
  // Derived from the training images unless given (derive_defaults).
  cmd->get_option("--epochs")->description("Passes over the training images (default: 300,000 images' worth, 10..200)")->default_str("");
  cmd->get_option("--batch-size")->description("Training images per step (default: 1/20 of the images, 16..128)")->default_str("");
  cmd->get_option("--init")->description("Fine-tune from this saved image model: its architecture, input size, fit and normalisation are kept; a head for other labels starts afresh");
  return [args, &common, cmd] { return run_train(*args, common, *cmd, recorded_command_line("attn-image", *cmd)); };
}

}  // namespace attn::tools::image
