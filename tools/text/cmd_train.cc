// attn-text train: tokenizer vocabulary, model, training loop, atomic model file.
#include <algorithm>
#include <filesystem>
#include <memory>

#include "attn/error.h"
#include "attn/parallel.h"
#include "attn/rng.h"
#include "attn/train/metrics.h"
#include "commands.h"
#include "common/log.h"
#include "common/progress.h"
#include "common/run_guarded.h"
#include "model_loading.h"
#include "text_data.h"
#include "text_task.h"

namespace attn::tools::text {
namespace {

struct TrainArgs {
  std::string data, valid, output;
  DataOptions input;
  std::string input_format = "auto", loss = "softmax", pos = "learned", pool = "mean";
  std::string storage = "f32", truncation = "head", email_headers = "subject,from,type";
  attn::text::TextModelConfig model;
  attn::text::TokenizerConfig tokenizer;
  FitConfig fit;
  float lr = 2e-3f;
  int batch_size = 32;
};

attn::text::LineFormat line_format_of(const std::string& s) {
  if (s == "fasttext") return attn::text::LineFormat::kFastText;
  if (s == "tsv") return attn::text::LineFormat::kTsv;
  return attn::text::LineFormat::kAuto;
}

void check_settings(const TrainArgs& a) {
  if (a.model.dim % a.model.heads != 0)
    throw UsageError("--dim (" + std::to_string(a.model.dim) + ") must be a multiple of --heads (" +
                     std::to_string(a.model.heads) + ")");
  // Fail before training, not after it, when the model could never be written.
  const auto dir = std::filesystem::path(a.output).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
    throw Error(a.output + ": no such directory '" + dir.string() + "'");
}

std::string settings_line(const TrainArgs& a, size_t items, int vocab) {
  const auto& m = a.model;
  const auto& t = a.tokenizer;
  return fmt::format(
      "settings: items {} labels {} loss {} | dim {} layers {} heads {} ff-dim {} dropout {} pos {} "
      "pool {} | vocab {} (min-count {}, max-words {}) buckets {} ngrams {}-{} max-len {} | "
      "epochs {} batch-size {} lr {} warmup {} weight-decay {} clip {} seed {} threads {}",
      items, m.num_labels, a.loss, m.dim, m.layers, m.heads, m.ff_dim, m.dropout, a.pos, a.pool,
      vocab, t.min_count, t.max_words, t.buckets, t.ngram_min, t.ngram_max, t.max_len,
      a.fit.epochs, a.batch_size, a.lr, a.fit.warmup_fraction, a.fit.adamw.weight_decay,
      a.fit.clip_norm, a.fit.seed, attn::threads());
}

int run_train(TrainArgs& a, const CommonOptions& common, const std::string& command_line) {
  check_settings(a);
  a.input.line_format.format = line_format_of(a.input_format);
  a.input.documents.email_from = a.email_headers != "subject";
  a.input.documents.email_content_type = a.email_headers != "subject";
  const auto items = read_labelled(a.data, a.input);
  const auto labels = collect_labels(items);
  if (labels.size() < 2)
    throw Error(a.data + ": only one label (\"" + labels.front() + "\"); a classifier needs at least two");
  a.model.num_labels = static_cast<int>(labels.size());
  a.model.loss = a.loss == "ova" ? LossKind::Ova : LossKind::Softmax;
  a.model.pos = a.pos == "sinusoidal" ? attn::text::PosKind::Sinusoidal : attn::text::PosKind::Learned;
  a.model.pool = a.pool == "cls" ? PoolKind::Cls : PoolKind::Mean;

  a.tokenizer.truncation = attn::text::truncation_from_string(a.truncation);
  attn::text::VocabBuilder vocab(a.tokenizer);
  for (const auto& item : items) vocab.add(item.text);
  attn::text::TextModel model{std::make_unique<TextClassifier>(a.model, vocab.build()), labels,
                              a.input.documents};
  TextClassifier& classifier = *model.classifier;
  Rng rng(common.seed);
  classifier.init(rng);
  log_info("{}", settings_line(a, items.size(), classifier.tokenizer().vocab_size()));
  log_info("parameters: {}", classifier.parameter_count());

  std::vector<std::string> texts;
  for (const auto& item : items) texts.push_back(item.text);
  const auto tokens = tokenize_all(classifier.tokenizer(), texts, false);
  const auto label_ids = label_ids_of(items, labels);

  std::vector<TokenizedText> valid_tokens;
  std::vector<std::vector<int32_t>> valid_ids;
  if (!a.valid.empty()) {
    const auto valid = read_labelled(a.valid, a.input);
    std::vector<std::string> vt;
    for (const auto& item : valid) vt.push_back(item.text);
    valid_tokens = tokenize_all(classifier.tokenizer(), vt, false);
    valid_ids = label_ids_of(valid, labels);
  }

  std::vector<int> lengths;
  for (const auto& t : tokens) lengths.push_back(static_cast<int>(t.size()));
  a.fit.seed = common.seed;
  a.fit.adamw.lr = a.lr;
  a.fit.batching.max_items = a.batch_size;
  a.fit.batching.sort_window = a.batch_size * 16;

  TextTask task(classifier, tokens);
  const ClassifyConfig classify{a.model.loss, a.model.label_smoothing, {}};
  ClassifierTrainable trainable(task, classify, label_ids);
  TextTask valid_task(classifier, valid_tokens);
  TrainingProgress progress(a.fit.epochs, static_cast<int64_t>(items.size()));
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
    if (!valid_tokens.empty()) {
      const Evaluation ev = evaluate(valid_task, classify, valid_ids);
      r.valid_loss = ev.loss;
      r.valid_accuracy = ev.accuracy;
    }
    progress.end_epoch(r);
  };
  fit(trainable, lengths, a.fit, callbacks);
  if (last.skipped_steps > 0)
    log_warning("{} steps were skipped for non-finite gradients", last.skipped_steps);

  save_text_model(a.output, model, {{"attn.train_command", command_line}},
                  a.storage == "f16" ? DType::F16 : DType::F32);
  log_info("wrote {}", a.output);
  return 0;
}

}  // namespace

Command add_train_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "Train a classifier on labelled lines or documents");
  add_common_flags(*cmd, common);
  add_seed_flag(*cmd, common);
  add_data_option(*cmd, args->data, true, "Training data: lines (fastText or label<TAB>text), or with --docs a folder per label or a path<TAB>label list");
  add_data_option(*cmd, args->valid, false, "Validation data, same format (reported per epoch)", "--valid");
  add_output_option(*cmd, args->output, true, "Model file to write (safetensors)");
  cmd->add_flag("--docs", args->input.docs, "Inputs are whole files (emails, articles)");
  add_choice_option(*cmd, "--email-headers", args->email_headers, {"subject,from,type", "subject"}, "Email headers the model reads besides the body (--docs)");
  add_choice_option(*cmd, "--input-format", args->input_format, {"auto", "fasttext", "tsv"}, "Line format (auto: from the first line)");
  cmd->add_option("--label-prefix", args->input.line_format.label_prefix, "fastText label prefix")->capture_default_str();
  add_choice_option(*cmd, "--storage", args->storage, {"f32", "f16"}, "Weight precision in the model file (f16: half the size)");
  add_choice_option(*cmd, "--loss", args->loss, {"softmax", "ova"}, "softmax: one label per item; ova: one-vs-all, multi-label");
  auto& m = args->model;
  auto& t = args->tokenizer;
  auto& f = args->fit;
  f.epochs = 8;
  f.warmup_fraction = 0.05f;
  f.adamw.weight_decay = 0.01f;
  cmd->add_option("--dim", m.dim, "Model width")->capture_default_str()->check(CLI::Range(8, 1024));
  cmd->add_option("--layers", m.layers, "Encoder layers")->capture_default_str()->check(CLI::Range(0, 24));
  cmd->add_option("--heads", m.heads, "Attention heads")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--ff-dim", m.ff_dim, "Feed-forward width")->capture_default_str()->check(CLI::Range(8, 16384));
  cmd->add_option("--dropout", m.dropout, "Dropout rate")->capture_default_str()->check(CLI::Range(0.0, 0.9));
  cmd->add_option("--label-smoothing", m.label_smoothing, "Label smoothing (softmax loss)")->capture_default_str()->check(CLI::Range(0.0, 0.5));
  add_choice_option(*cmd, "--pos", args->pos, {"learned", "sinusoidal"}, "Positional encoding");
  add_choice_option(*cmd, "--pool", args->pool, {"mean", "cls"}, "Pooling for the classifier head");
  cmd->add_option("--max-len", t.max_len, "Tokens per item incl. [CLS]; longer items keep their first tokens")->capture_default_str()->check(CLI::Range(2, 8192));
  add_choice_option(*cmd, "--truncation", args->truncation, {"head", "head_tail"}, "Which tokens a long item keeps: the first ones, or half from each end");
  cmd->add_option("--min-count", t.min_count, "Minimum word count for the vocabulary")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-words", t.max_words, "Vocabulary size cap (0: none)")->capture_default_str()->check(CLI::Range(0, 10000000));
  cmd->add_option("--buckets", t.buckets, "Hash buckets for character n-grams (0: no n-grams)")->capture_default_str()->check(CLI::Range(0, 10000000));
  cmd->add_option("--ngram-min", t.ngram_min, "Shortest character n-gram")->capture_default_str()->check(CLI::Range(1, 10));
  cmd->add_option("--ngram-max", t.ngram_max, "Longest character n-gram (0: none)")->capture_default_str()->check(CLI::Range(0, 10));
  cmd->add_option("--epochs", f.epochs, "Passes over the training data")->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->add_option("--lr", args->lr, "Peak learning rate (AdamW, warm-up then cosine decay)")->capture_default_str()->check(CLI::Range(1e-6, 1.0));
  cmd->add_option("--batch-size", args->batch_size, "Items per step")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--warmup", f.warmup_fraction, "Warm-up fraction of all steps")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--weight-decay", f.adamw.weight_decay, "AdamW weight decay")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--clip", f.clip_norm, "Gradient-norm clipping (0: off)")->capture_default_str()->check(CLI::Range(0.0, 1e6));
  return [args, &common, cmd] {
    // The settings as given, recorded in the model file (attn.train_command).
    std::string line = "attn-text train";
    for (const CLI::Option* opt : cmd->get_options())
      if (opt->count() > 0 && !opt->get_lnames().empty())
        line += " --" + opt->get_lnames().front() + (opt->get_expected_min() > 0 ? " " + opt->as<std::string>() : "");
    return run_train(*args, common, line);
  };
}

}  // namespace attn::tools::text
