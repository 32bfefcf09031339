// attn-speech train: utterance classification over labelled recordings (a folder per label or a
// path<TAB>label list), with seeded augmentation; the feature options go into the model.
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "attn/audio/speech_model_file.h"
#include "attn/error.h"
#include "attn/model_file.h"
#include "attn/parallel.h"
#include "attn/train/classify.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/run_guarded.h"
#include "speech/commands.h"
#include "speech/feature_flags.h"
#include "speech/model_args.h"
#include "speech/speech_task.h"

namespace attn::tools::speech {

namespace {

struct TrainArgs {
  std::string data, valid, output, noise_dir, storage = "f32";
  FeatureFlags features;
  audio::SpeechModelConfig model;
  audio::AugmentOptions augment;
  FitConfig fit;
  float lr = 2e-3f;
  int batch_size = 32;
};

std::vector<std::vector<int32_t>> label_ids(const std::vector<std::string>& names, const std::vector<std::string>& labels,
                                            const std::string& data) {
  std::vector<std::vector<int32_t>> ids;
  for (const std::string& n : names) {
    const auto it = std::find(labels.begin(), labels.end(), n);
    if (it == labels.end()) throw Error(fmt::format("{}: label '{}' is not among the training labels", data, n));
    ids.push_back({int32_t(it - labels.begin())});
  }
  return ids;
}

int run_train(TrainArgs& a, const CommonOptions& common) {
  if (a.model.dim % a.model.heads != 0) throw UsageError(fmt::format("--dim {} must be a multiple of --heads {}", a.model.dim, a.model.heads));
  const auto dir = std::filesystem::path(a.output).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) throw Error(a.output + ": no such directory '" + dir.string() + "'");
  audio::PipelineOptions p = resolve(a.features);
  p.dither_seed = common.seed;

  const LabelledAudio train = read_labelled_audio(a.data, p);
  std::vector<std::string> labels = train.labels;
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  if (labels.size() < 2) throw Error(a.data + ": only one label (\"" + labels.front() + "\"); a classifier needs at least two");
  const auto ids = label_ids(train.labels, labels, a.data);

  a.model.input_dim = p.dim();
  a.model.num_labels = int(labels.size());
  audio::SpeechModel model{std::make_unique<audio::SpeechClassifier>(a.model), labels, p};
  Rng rng(common.seed);
  model.classifier->init(rng);
  std::vector<std::vector<float>> noise;
  if (!a.noise_dir.empty()) {
    noise = read_audio_folder(a.noise_dir, p);
    a.augment.noise_clips = &noise;
  }
  log_info("settings: items {} labels {} features {} x {} | stack {} subsample {} dim {} layers {} heads {} "
           "ff-dim {} window {} dropout {} | epochs {} batch-size {} lr {} seed {} threads {}",
           train.paths.size(), labels.size(), a.features.kind, p.dim(), a.model.stack, a.model.subsample,
           a.model.dim, a.model.layers, a.model.heads, a.model.ff_dim, a.model.window, a.model.dropout,
           a.fit.epochs, a.batch_size, a.lr, common.seed, attn::threads());
  log_info("parameters: {}", model.classifier->parameter_count());

  SpeechTask task(*model.classifier, p, train.waves, train.paths, a.augment);
  std::optional<LabelledAudio> valid;
  std::optional<SpeechTask> valid_task;
  std::vector<std::vector<int32_t>> valid_ids;
  if (!a.valid.empty()) {
    valid = read_labelled_audio(a.valid, p);
    valid_ids = label_ids(valid->labels, labels, a.valid);
    valid_task.emplace(*model.classifier, p, valid->waves, valid->paths);
  }
  const ClassifyConfig classify;
  ClassifierTrainable trainable(task, classify, ids);
  a.fit.seed = common.seed;
  a.fit.adamw.lr = a.lr;
  a.fit.batching.max_items = a.batch_size;
  TrainingProgress progress(a.fit.epochs, int64_t(train.paths.size()));
  FitCallbacks callbacks;
  FitProgress last;
  int shown_epoch = 0;
  std::optional<Evaluation> last_valid;
  callbacks.progress = [&](const FitProgress& fp) {
    if (fp.epoch != shown_epoch) progress.start_epoch(shown_epoch = fp.epoch);
    if (!fp.epoch_done) progress.update(fp.items_done, fp.loss, fp.accuracy);
    last = fp;
  };
  if (valid_task) {
    callbacks.validate = [&](int) {
      last_valid = evaluate(*valid_task, classify, valid_ids);
      return last_valid->loss;
    };
  }
  callbacks.epoch_end = [&](int) {
    EpochResult r{last.loss, last.accuracy, {}, {}};
    if (last_valid) {
      r.valid_loss = last_valid->loss;
      r.valid_accuracy = last_valid->accuracy;
    }
    progress.end_epoch(r);
  };
  const FitResult result = fit(trainable, task.lengths(), a.fit, callbacks);
  if (valid_task) log_info("best epoch {} (validation loss {:.4f})", result.best_epoch, result.best_validation_loss);
  save_speech_model(a.output, model, {{"attn.train_command", command_line()}}, storage_from_name(a.storage));
  log_info("wrote {}", a.output);
  return 0;
}

}  // namespace

Command add_train_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "Train an utterance classifier (spoken digits, commands) on labelled recordings");
  cmd->footer("Example: attn-speech train --data recordings/ --sample-frequency 8000 --deltas --cmvn utt --speed-perturb -o digits.safetensors");
  add_common_flags(*cmd, common);
  add_seed_flag(*cmd, common);
  add_data_option(*cmd, args->data, true, "Training recordings: a folder per label, or a path<TAB>label list");
  add_data_option(*cmd, args->valid, false, "Validation recordings (same form): best epoch kept, --patience", "--valid");
  add_output_option(*cmd, args->output, true, "Model file to write (safetensors)");
  add_choice_option(*cmd, "--storage", args->storage, {"f32", "f16", "bf16"}, "Weight precision in the model file");
  add_feature_flags(*cmd, args->features, std::nullopt);
  auto& m = args->model;
  auto& f = args->fit;
  auto& g = args->augment;
  f.epochs = 30;
  f.adamw.weight_decay = 0.01f;
  const std::string mg = "Model", tg = "Training", ag = "Augmentation (seeded by --seed)";
  cmd->add_option("--stack", m.stack, "Input frames stacked side by side")->group(mg)->check(CLI::Range(1, 32));
  cmd->add_option("--subsample", m.subsample, "Keep every n-th stacked frame")->group(mg)->check(CLI::Range(1, 32));
  cmd->add_option("--dim", m.dim, "Model width")->group(mg)->check(CLI::Range(8, 1024));
  cmd->add_option("--layers", m.layers, "Encoder layers")->group(mg)->check(CLI::Range(0, 24));
  cmd->add_option("--heads", m.heads, "Attention heads")->group(mg)->check(CLI::Range(1, 64));
  cmd->add_option("--ff-dim", m.ff_dim, "Feed-forward width")->group(mg)->check(CLI::Range(8, 16384));
  cmd->add_option("--window", m.window, "Self-attention reaches +-window (subsampled) frames")->group(mg)->check(CLI::Range(1, 100000));
  cmd->add_option("--dropout", m.dropout, "Dropout rate")->group(mg)->check(CLI::Range(0.0, 0.9));
  cmd->add_option("--epochs", f.epochs, "Passes over the training data")->group(tg)->check(CLI::Range(1, 10000));
  cmd->add_option("--lr", args->lr, "Peak learning rate (AdamW, warm-up then cosine decay)")->group(tg)->check(CLI::Range(1e-6, 1.0));
  cmd->add_option("--batch-size", args->batch_size, "Utterances per step")->group(tg)->check(CLI::Range(1, 4096));
  cmd->add_option("--warmup", f.warmup_fraction, "Warm-up fraction of all steps")->group(tg)->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--weight-decay", f.adamw.weight_decay, "AdamW weight decay")->group(tg)->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--patience", f.patience, "With --valid: stop after this many epochs without a better validation loss (0: never)")->group(tg)->check(CLI::Range(0, 10000));
  cmd->add_flag("--speed-perturb", g.speed, "Speed perturbation: 0.9, 1.0 or 1.1 per utterance (resampling)")->group(ag);
  cmd->add_option("--speed-range", g.speed_range, "Speed perturbation by a factor uniform in [1-R, 1+R] instead (0: off)")->group(ag)->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--noise-prob", g.noise_prob, "Chance of additive noise per utterance")->group(ag)->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--snr-min", g.snr_min, "Noise SNR range low (dB)")->group(ag);
  cmd->add_option("--snr-max", g.snr_max, "Noise SNR range high (dB)")->group(ag);
  cmd->add_option("--noise-dir", args->noise_dir, "Noise recordings (default: white noise)")->group(ag);
  cmd->add_option("--gain-db", g.gain_db, "Random gain within +-this many dB")->group(ag)->check(CLI::Range(0.0, 40.0));
  cmd->add_option("--time-masks", g.time_masks, "SpecAugment time masks per utterance")->group(ag)->check(CLI::Range(0, 20));
  cmd->add_option("--time-mask-width", g.time_width, "Longest time mask (frames)")->group(ag)->check(CLI::Range(0, 1000));
  cmd->add_option("--freq-masks", g.freq_masks, "SpecAugment frequency masks per utterance")->group(ag)->check(CLI::Range(0, 20));
  cmd->add_option("--freq-mask-width", g.freq_width, "Widest frequency mask (features)")->group(ag)->check(CLI::Range(0, 1000));
  return [args, &common] { return run_train(*args, common); };
}

}  // namespace attn::tools::speech
