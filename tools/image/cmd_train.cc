// attn-image train: defaults from the training images, ViT, augmentation, training loop, model.
#include <memory>
#include <optional>

#include "attn/vision/train_options.h"
#include "attn/vision/train_setup.h"
#include "commands.h"
#include "common/declared_options.h"
#include "common/train_kit.h"

namespace attn::tools::image {
namespace {

struct TrainArgs {
  vision::ImageSource data, valid;
  std::string output, label_names;
  vision::TrainSettings s;
  EncoderOptions encoder = EncoderOptions::from(vision::ViTConfig{});
  FitOptions fit_options{{.epochs = 10, .lr = 3e-3f, .batch_size = 128, .warmup = 0.05f, .weight_decay = 0.05f}};
  bool save_epochs = false;
};

// The settings an image model is trained with, from its config, in the declared lists: --init
// fixes its architecture and how it reads an image.
SettingsTable model_settings(const vision::ViTConfig& m, vision::Fit fit) {
  vision::TrainSettings saved{.image_size = m.image_size, .channels = m.channels, .patch = m.patch, .fit = fit, .model = m, .train = {}};
  SettingsTable s;
  vision::for_each_image_input_option(saved, FixedOptions{s});
  s.note(fmt::format("({} patches)", m.tokens() - 1)).group();  // after --patch, the list's last
  EncoderOptions::from(m).add_shape(s);
  s.show("dropout", m.dropout);
  vision::for_each_vit_option(saved.model, FixedOptions{.settings = s, .show_free = true});
  return s;
}

// The run's augmentation, loss and test-view settings (free under --init).
SettingsTable run_settings(const vision::TrainSettings& r) {
  const auto& g = r.train.augment;
  SettingsTable s;
  s.show("crop-padding", g.crop_padding).show("flip", g.flip ? "on" : "off").show("erase", g.erase_prob);
  s.show("mixup", g.mixup_alpha).show("cutmix", g.cutmix_alpha).show("label-smoothing", r.train.label_smoothing);
  return s.show("test-shift", r.test_shift).show("test-views", r.test_views);
}

int run_train(TrainArgs& a, const CommonOptions& common, const CLI::App& cmd) {
  if (a.data.data.empty() == a.data.idx.empty())
    throw UsageError("give the training images as --data FOLDER|LIST or as --idx IMAGES LABELS");
  a.encoder.check();
  check_train_output(a.output);
  a.valid.data = a.fit_options.valid;
  if (!a.label_names.empty()) {
    if (a.data.idx.empty()) throw UsageError("--label-names names IDX labels; it needs --idx");
    a.data.idx_names = a.valid.idx_names = split_commas(a.label_names);
  }
  const std::string& init = a.fit_options.init;
  std::optional<vision::ImageModel> base = load_init_model(init, cmd, vision::load_image_model, [](const vision::ImageModel& m) {
    return model_settings(m.vit->config(), m.input.fit);
  });
  if (base) vision::keep_saved_input(*base, a.s);
  BatchErrors errors(common.keep_going);
  const vision::ImageSummary summary = vision::summarize_training(a.data, errors.on_bad_item());
  check_labels(summary.labels, a.data.name());
  const GivenSetting was_given = given_settings(cmd);
  vision::derive_settings(summary, was_given, a.s, a.fit_options.epochs, a.fit_options.batch_size);
  a.encoder.apply_to(a.s.model);
  const vision::TrainPlan plan = as_usage_error([&] {
    return vision::plan_training(a.s, base ? &base->vit->config() : nullptr, was_given, int(summary.labels.size()));
  });
  const vision::ViTConfig& m = plan.config;
  const vision::TrainImages images = vision::load_train_images(a.data, a.valid, summary, plan, errors.on_bad_item());
  vision::ImageModel model = vision::new_image_model(plan, summary.labels, images.train, base ? &*base : nullptr);
  const FitConfig config = a.fit_options.to_config(common.seed);
  SettingsTable settings;
  settings.show("images", images.train.count()).show("labels", m.num_labels).group().append(model_settings(m, plan.input.fit));
  settings.group().append(run_settings(a.s)).group();
  add_fit_settings(settings, config);
  log_info("{}", settings.line());
  Rng rng(common.seed);
  model.vit->init(rng);
  if (base) {
    start_from(model.vit->parameters(), base->vit->parameters(), base->labels, summary.labels, init);
    base.reset();  // its weights are copied
  }
  log_info("parameters: {}", model.vit->parameter_count());

  const auto save = [&, metadata = train_metadata(recorded_command_line("attn-image", cmd), init)] { vision::save_image_model(a.output, model, metadata, a.fit_options.storage); };
  a.s.train.class_weights = class_weights(a.fit_options.class_weight, summary.labels, images.train.labels);
  vision::ViTTrainable trainable(*model.vit, images.train, model.input.stats, a.s.train);
  TrainRun run{images.train.count(), {}, {}};
  if (images.valid.count() > 0) run.validate = [&] { return score_of(vision::evaluate(model, images.valid)); };
  if (a.save_epochs) run.after_epoch = [&](int) { save(); };
  run_fit(trainable, std::vector<int>(images.train.count(), m.tokens()), config, run);
  save();
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
  vision::for_each_image_input_option(a.s, OptionFlags{*cmd});
  a.encoder.register_flags(*cmd);
  vision::for_each_vit_option(a.s.model, OptionFlags{*cmd});
  vision::for_each_image_augment_option(a.s, OptionFlags{*cmd});
  a.fit_options.register_flags(*cmd, "images");
  // Derived from the training images unless given (vision::derive_settings).
  cmd->get_option("--epochs")->description("Passes over the training images (default: 300,000 images' worth, 10..200)")->default_str("");
  cmd->get_option("--stem")->default_str("");
  cmd->get_option("--batch-size")->description("Training images per step (default: 1/20 of the images, 16..128)")->default_str("");
  cmd->get_option("--init")->description("Fine-tune from this saved image model: its architecture, input size, fit and normalisation are kept; a head for other labels starts afresh");
  return [args, &common, cmd] { return run_train(*args, common, *cmd); };
}

}  // namespace attn::tools::image
