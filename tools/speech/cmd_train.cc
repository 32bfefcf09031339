// attn-speech train: utterance classification over labelled recordings (a folder per label or a
// path<TAB>label list), with seeded augmentation; the feature options go into the model.
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "attn/audio/speech_model_file.h"
#include "attn/error.h"
#include "attn/model_file.h"
#include "attn/train/classify.h"
#include "common/train_kit.h"
#include "speech/commands.h"
#include "speech/feature_flags.h"
#include "speech/model_args.h"
#include "attn/audio/speech_task.h"

namespace attn::tools::speech {

namespace {

struct TrainArgs {
  std::string data, output, noise_dir;
  FeatureFlags features;
  audio::SpeechModelConfig model;
  audio::AugmentOptions augment;
  std::vector<float> test_warps;
  EncoderOptions encoder = EncoderOptions::from(audio::SpeechModelConfig{});
  FitOptions fit{{.epochs = 30, .lr = 2e-3f, .batch_size = 32, .warmup = 0.05f, .weight_decay = 0.01f}};
};

std::vector<std::vector<int32_t>> label_ids(const std::vector<std::string>& names, const std::vector<std::string>& labels,
                                            const std::string& data) {
  const data::LabelIndex index(labels);
  std::vector<std::vector<int32_t>> ids;
  for (const std::string& n : names) ids.push_back({index.id(n, data)});
  return ids;
}

// The settings a speech model is trained with: --init fixes its encoder and feature options.
SettingsTable model_settings(const audio::SpeechModelConfig& c, const audio::PipelineOptions& p) {
  SettingsTable s;
  add_feature_settings(s, p);
  s.group().fix("stack", c.stack).fix("subsample", c.subsample);
  EncoderOptions::from(c).add_shape(s);
  return s.fix("window", c.window).fix("pool", audio::speech_pool_name(c.pool)).show("dropout", c.dropout);
}

int run_train(TrainArgs& a, const CommonOptions& common, const CLI::App& cmd, const std::string& command_line) {
  a.encoder.check();
  check_train_output(a.output);
  audio::PipelineOptions p = resolve(a.features);
  const std::string& init = a.fit.init;
  std::optional<audio::SpeechModel> base;
  if (!init.empty()) {
    base = load_model(init, {});
    model_settings(base->classifier->config(), base->features).refuse_init_conflicts(cmd, init);
    const audio::AudioOptions reading = p.audio;  // how to read the files is not in the model
    p = base->features;
    p.audio = reading;
  }
  p.dither_seed = common.seed;

  BatchErrors errors(common.keep_going);
  const audio::LabelledAudio train = audio::read_labelled_audio(a.data, p, errors.on_bad_item());
  const std::vector<std::string> labels = data::distinct_labels(train.labels);
  check_labels(labels, a.data);
  const auto ids = label_ids(train.labels, labels, a.data);

  if (base) {
    a.model = base->classifier->config();
    a.encoder.apply_given_dropout(a.model, cmd);
  } else {
    a.encoder.apply_to(a.model);
    a.model.input_dim = p.dim();
  }
  a.model.num_labels = int(labels.size());
  audio::SpeechModel model{std::make_unique<audio::SpeechClassifier>(a.model), labels, p, a.test_warps};
  Rng rng(common.seed);
  model.classifier->init(rng);
  if (base) {
    start_from(model.classifier->parameters(), base->classifier->parameters(), base->labels, labels, init);
    base.reset();  // its weights are copied
  }
  std::vector<std::vector<float>> noise;
  if (!a.noise_dir.empty()) {
    noise = audio::read_audio_folder(a.noise_dir, p);
    a.augment.noise_clips = &noise;
  }
  const FitConfig config = a.fit.to_config(common.seed);
  SettingsTable settings;
  settings.show("items", train.paths.size()).show("labels", labels.size()).group().append(model_settings(a.model, p)).group();
  add_fit_settings(settings, config);
  log_info("{}", settings.line());
  log_info("parameters: {}", model.classifier->parameter_count());

  audio::SpeechTask task(*model.classifier, p, train.waves, train.paths, a.augment);
  std::optional<audio::LabelledAudio> valid;
  std::optional<audio::SpeechTask> valid_task;
  std::vector<std::vector<int32_t>> valid_ids;
  if (!a.fit.valid.empty()) {
    valid = audio::read_labelled_audio(a.fit.valid, p, errors.on_bad_item());
    valid_ids = label_ids(valid->labels, labels, a.fit.valid);
    valid_task.emplace(*model.classifier, p, valid->waves, valid->paths, audio::AugmentOptions{}, a.test_warps);
  }
  const ClassifyConfig classify{LossKind::Softmax, 0.0f, class_weights(a.fit.class_weight, labels, ids)};
  ClassifierTrainable trainable(task, classify, ids);
  const TrainRun run{int64_t(train.paths.size()), valid_task ? validation(*valid_task, classify, valid_ids) : nullptr, {}};
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
  add_feature_flags(*cmd, args->features, std::nullopt);
  auto& m = args->model;
  auto& g = args->augment;
  const std::string mg = "Model", tg = "Training", ag = "Augmentation (seeded by --seed)";
  cmd->add_option("--stack", m.stack, "Input frames stacked side by side")->group(mg)->check(CLI::Range(1, 32));
  cmd->add_option("--subsample", m.subsample, "Keep every n-th stacked frame")->group(mg)->check(CLI::Range(1, 32));
  args->encoder.register_flags(*cmd, mg);
  cmd->add_option("--window", m.window, "Self-attention reaches +-window (subsampled) frames")->group(mg)->check(CLI::Range(1, 100000));
  add_enum_option(*cmd, "--pool", m.pool,
                  {{"mean", PoolKind::Mean}, {"max", PoolKind::Max}, {"mean-max", PoolKind::MeanMax}},
                  "Pooling of the encoder frames for the head: mean, max over time (does not weight a sound by its "
                  "duration), or both side by side; stored in the model")
      ->group(mg);
  add_test_warps_option(*cmd, args->test_warps,
                        "Test-time warp averaging, stored in the model: eval, predict and the validation here average the "
                        "probabilities over the features at these mel warps (e.g. 0.9,0.95,1,1.05,1.1; default: none)")
      ->group(mg);
  args->fit.register_flags(*cmd, "utterances", tg);
  cmd->get_option("--init")->description("Fine-tune from this saved speech model: its encoder and feature options are kept; a head for other labels starts afresh");
  cmd->add_flag("--speed-perturb", g.speed, "Speed perturbation: 0.9, 1.0 or 1.1 per utterance (resampling)")->group(ag);
  cmd->add_option("--speed-range", g.speed_range, "Speed perturbation by a factor uniform in [1-R, 1+R] instead (0: off)")->group(ag)->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--noise-prob", g.noise_prob, "Chance of additive noise per utterance")->group(ag)->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--snr-min", g.snr_min, "Noise SNR range low (dB)")->group(ag);
  cmd->add_option("--snr-max", g.snr_max, "Noise SNR range high (dB)")->group(ag);
  cmd->add_option("--noise-dir", args->noise_dir, "Noise recordings (default: white noise)")->group(ag);
  cmd->add_option("--gain-db", g.gain_db, "Random gain within +-this many dB")->group(ag)->check(CLI::Range(0.0, 40.0));
  cmd->add_option("--vtlp", g.vtlp, "Vocal-tract-length perturbation: warp the mel filters' frequency axis by a factor uniform in [1-R, 1+R] per utterance (0: off; 0.1 is usual)")->group(ag)->check(CLI::Range(0.0, 0.3));
  cmd->add_option("--time-masks", g.time_masks, "SpecAugment time masks per utterance")->group(ag)->check(CLI::Range(0, 20));
  cmd->add_option("--time-mask-width", g.time_width, "Longest time mask (frames)")->group(ag)->check(CLI::Range(0, 1000));
  cmd->add_option("--freq-masks", g.freq_masks, "SpecAugment frequency masks per utterance")->group(ag)->check(CLI::Range(0, 20));
  cmd->add_option("--freq-mask-width", g.freq_width, "Widest frequency mask (features)")->group(ag)->check(CLI::Range(0, 1000));
  return [args, &common, cmd] { return run_train(*args, common, *cmd, recorded_command_line("attn-speech", *cmd)); };
}

}  // namespace attn::tools::speech
