// attn-speech train: utterance classification over labelled recordings (a folder per label or a
// path<TAB>label list), with seeded augmentation; the feature options go into the model.
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "attn/audio/speech_train_data.h"
#include "common/declared_options.h"
#include "common/train_kit.h"
#include "common/run_guarded.h"
#include "speech/commands.h"

namespace attn::tools::speech {

namespace {

struct TrainArgs {
  std::string data, output, noise_dir, kind = "mfcc";
  audio::KaldiOptions features;
  audio::SpeechModelConfig model;
  audio::AugmentOptions augment;
  std::vector<float> test_warps;
  EncoderOptions encoder = EncoderOptions::from(audio::SpeechModelConfig{});
  FitOptions fit{{.epochs = 30, .lr = 2e-3f, .batch_size = 32, .warmup = 0.05f, .weight_decay = 0.01f}};
};

// The settings a speech model is trained with: --init fixes its encoder and feature options.
SettingsTable model_settings(audio::SpeechModelConfig c, const audio::PipelineOptions& p) {
  SettingsTable s;
  s.fix("features", audio::feature_kind_name(p.features.kind)).note(fmt::format("x {}", p.dim()));
  audio::KaldiOptions features = audio::KaldiOptions::of(p);
  audio::for_each_kaldi_option(features, std::nullopt, FixedOptions{s, true});
  s.group();
  audio::for_each_speech_frame_option(c, FixedOptions{s});
  EncoderOptions::from(c).add_shape(s);
  audio::for_each_speech_attention_option(c, FixedOptions{s});
  return s.show("dropout", c.dropout);
}

int run_train(TrainArgs& a, const CommonOptions& common, const CLI::App& cmd, const std::string& command_line) {
  a.encoder.check();
  if (a.model.conv_pos % 2 == 0 && a.model.conv_pos != 0)
    throw UsageError(fmt::format("--conv-pos ({}) must be odd (0: none)", a.model.conv_pos));
  check_train_output(a.output);
  if (a.kind == "fbank") a.features.set_kind(audio::FeatureKind::Fbank, given(cmd, "--use-energy"));
  audio::PipelineOptions p = as_usage_error([&] { return a.features.resolve(); });
  as_usage_error([&] { audio::check_mel_warp_count(a.test_warps); });
  const std::string& init = a.fit.init;
  std::optional<audio::SpeechModel> base = load_init_model(
      init, cmd, [&](const SafeTensorsFile& f) { return audio::load_speech_model(f, a.features.reading); },
      [](const audio::SpeechModel& m) { return model_settings(m.classifier->config(), m.features); });
  if (base) {
    p = base->features;
    as_usage_error([&] { p.validate(); });  // e.g. a --cmvn spk model without --utt2spk
    a.model = base->classifier->config();
    a.encoder.apply_given_dropout(a.model, cmd);
  } else {
    a.encoder.apply_to(a.model);
  }
  p.dither_seed = common.seed;

  BatchErrors errors(common.keep_going);
  const audio::SpeechTrainData train = audio::read_speech_train_data(
      a.data, p, errors.on_bad_item(), [&](const std::vector<std::string>& labels) { check_labels(labels, a.data); });
  const std::vector<std::string>& labels = train.labels;
  Rng rng(common.seed);
  audio::SpeechModel model = audio::new_speech_model(a.model, labels, p, a.test_warps, rng);
  if (base) {
    start_from(model.classifier->parameters(), base->classifier->parameters(), base->labels, labels, init);
    base.reset();  // its weights are copied
  }
  std::vector<std::vector<float>> noise;
  if (!a.noise_dir.empty()) noise = audio::read_audio_folder(a.noise_dir, p);
  a.augment.noise_clips = &noise;  // none: white noise
  const FitConfig config = a.fit.to_config(common.seed);
  SettingsTable settings;
  settings.show("items", train.items.paths.size()).show("labels", labels.size()).group();
  settings.append(model_settings(model.classifier->config(), p)).group();
  add_fit_settings(settings, config);
  log_info("{}", settings.line());
  log_info("parameters: {}", model.classifier->parameter_count());

  audio::SpeechTask task(*model.classifier, p, train.items.waves, train.items.paths, a.augment);
  std::optional<audio::SpeechValidation> valid;
  if (!a.fit.valid.empty()) valid.emplace(a.fit.valid, *model.classifier, p, labels, a.test_warps, errors.on_bad_item());
  const ClassifyConfig classify{LossKind::Softmax, 0.0f, class_weights(a.fit.class_weight, labels, train.ids)};
  ClassifierTrainable trainable(task, classify, train.ids);
  const TrainRun run{int64_t(train.items.paths.size()), valid ? validation(valid->task, classify, valid->ids) : nullptr, {}};
  run_fit(trainable, task.lengths(), config, run);
  save_speech_model(a.output, model, train_metadata(command_line, init), a.fit.storage);
  log_info("wrote {}", a.output);
  return errors.finish();
}

}  // namespace

Command add_train_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = add_train_subcommand(app, "Train an utterance classifier (spoken digits, commands) on labelled recordings", common);
  cmd->footer("Example: attn-speech train --data recordings/ --sample-frequency 8000 --deltas --cmvn utt --speed-perturb -o digits.safetensors");
  add_data_option(*cmd, args->data, true, "Training recordings: a folder per label, or a path<TAB>label list");
  add_output_option(*cmd, args->output, true, "Model file to write (safetensors)");
  add_choice_option(*cmd, "--features", args->kind, {"mfcc", "fbank"}, "Features the model reads");
  audio::for_each_kaldi_option(args->features, std::nullopt, OptionFlags{*cmd});
  audio::for_each_reading_option(args->features.reading, OptionFlags{*cmd});
  audio::for_each_speech_frame_option(args->model, OptionFlags{*cmd});
  args->encoder.register_flags(*cmd, "Model");
  audio::for_each_speech_attention_option(args->model, OptionFlags{*cmd});
  test_warps_flag(cmd->add_option("--test-warps", args->test_warps,
                                  "Test-time warp averaging, stored in the model: eval, predict and the validation here average the "
                                  "probabilities over the features at these mel warps (e.g. 0.9,0.95,1,1.05,1.1; default: none)"))
      ->group("Model");
  args->fit.register_flags(*cmd, "utterances", "Training");
  cmd->get_option("--init")->description("Fine-tune from this saved speech model: its encoder and feature options are kept; a head for other labels starts afresh");
  audio::for_each_augment_option(args->augment, args->noise_dir, OptionFlags{*cmd});
  return [args, &common, cmd] { return run_train(*args, common, *cmd, recorded_command_line("attn-speech", *cmd)); };
}

}  // namespace attn::tools::speech
