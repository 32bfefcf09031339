// attn-text train: tokenizer vocabulary, model, training through the kit, atomic model file.
#include <memory>
#include <optional>

#include "commands.h"
#include "common/train_kit.h"
#include "text_input.h"

namespace attn::tools::text {
namespace {

struct TrainArgs {
  std::string data, output;
  DataOptions input;
  std::string truncation = "head", email_headers = "subject,from,type";
  attn::text::TextModelConfig model;
  attn::text::TokenizerConfig tokenizer;
  EncoderOptions encoder = EncoderOptions::from(attn::text::TextModelConfig{});
  FitOptions fit{{.epochs = 8, .lr = 2e-3f, .batch_size = 32, .warmup = 0.05f, .weight_decay = 0.01f}};
};

// The settings a text model is trained with, from its config: --init fixes the architecture,
// tokenizer and document options.
SettingsTable model_settings(const attn::text::TextClassifier& c, const attn::text::DocumentOptions& documents) {
  const auto& m = c.config();
  const auto& t = c.tokenizer().config();
  SettingsTable s;
  s.fix("loss", to_string(m.loss)).show("label-smoothing", m.label_smoothing).group();
  EncoderOptions::from(m).add_shape(s);
  s.show("dropout", m.dropout).fix("pos", attn::text::to_string(m.pos)).fix("pool", attn::text::to_string(m.pool)).group();
  s.show("vocab", c.tokenizer().vocab_size()).fix("min-count", t.min_count).fix("max-words", t.max_words);
  s.fix("buckets", t.buckets).fix("ngram-min", t.ngram_min).fix("ngram-max", t.ngram_max).fix("max-len", t.max_len);
  s.fix("truncation", attn::text::to_string(t.truncation));
  return s.fix("email-headers", documents.email_from ? "subject,from,type" : "subject");
}

// The model to train: fresh, with a vocabulary from the items; or with --init the saved one's
// architecture, tokenizer and weights (a head for other labels starts afresh).
std::unique_ptr<TextClassifier> build_model(TrainArgs& a, const CLI::App& cmd, attn::text::TextModel* base,
                                            const std::vector<TextItem>& items,
                                            const std::vector<std::string>& labels, Rng& rng) {
  if (base == nullptr) {
    a.encoder.apply_to(a.model);
    a.model.num_labels = static_cast<int>(labels.size());
    a.tokenizer.truncation = attn::text::truncation_from_string(a.truncation);
    return attn::text::new_text_classifier(a.model, a.tokenizer, items, rng);
  }
  attn::text::TextModelConfig c = base->classifier->config();
  a.encoder.apply_given_dropout(c, cmd);
  if (given(cmd, "--label-smoothing")) c.label_smoothing = a.model.label_smoothing;
  c.num_labels = static_cast<int>(labels.size());
  auto model = std::make_unique<TextClassifier>(c, base->classifier->tokenizer());
  model->init(rng);
  start_from(model->parameters(), base->classifier->parameters(), base->labels, labels, a.fit.init);
  return model;
}

int run_train(TrainArgs& a, const CommonOptions& common, const CLI::App& cmd) {
  a.encoder.check();
  check_train_output(a.output);
  a.input.documents.email_from = a.email_headers != "subject";
  a.input.documents.email_content_type = a.email_headers != "subject";
  std::optional<attn::text::TextModel> base = load_init_model(
      a.fit.init, cmd, attn::text::load_text_model,
      [](const attn::text::TextModel& m) { return model_settings(*m.classifier, m.documents); });
  if (base) a.input.documents = base->documents;
  BatchErrors errors(common.keep_going);
  const auto items = read_labelled_texts(a.data, a.input, errors.on_bad_item());
  std::vector<std::string> names;
  for (const auto& item : items) names.insert(names.end(), item.labels.begin(), item.labels.end());
  const auto labels = data::distinct_labels(std::move(names));
  check_labels(labels, a.data);
  Rng rng(common.seed);
  attn::text::TextModel model{build_model(a, cmd, base ? &*base : nullptr, items, labels, rng), labels,
                              a.input.documents};
  base.reset();  // its weights are copied
  TextClassifier& classifier = *model.classifier;
  FitConfig config = a.fit.to_config(common.seed);
  config.batching.sort_window = a.fit.batch_size * 16;
  SettingsTable settings;
  settings.show("items", items.size()).show("labels", labels.size()).group().append(model_settings(classifier, model.documents)).group();
  add_fit_settings(settings, config);
  log_info("{}", settings.line());
  log_info("parameters: {}", classifier.parameter_count());

  const LabelledTokens train = tokenize_items(classifier.tokenizer(), items, labels);
  LabelledTokens valid;
  if (!a.fit.valid.empty()) valid = tokenize_items(classifier.tokenizer(), read_labelled_texts(a.fit.valid, a.input, errors.on_bad_item()), labels);
  const ClassifyConfig classify{classifier.config().loss, classifier.config().label_smoothing,
                                class_weights(a.fit.class_weight, labels, train.ids)};

  attn::text::TextTask task(classifier, train.tokens), valid_task(classifier, valid.tokens);
  ClassifierTrainable trainable(task, classify, train.ids);
  run_fit(trainable, task.lengths(), config, {static_cast<int64_t>(items.size()), validation(valid_task, classify, valid.ids), {}});
  save_text_model(a.output, model, train_metadata(recorded_command_line("attn-text", cmd), a.fit.init), a.fit.storage);
  log_info("wrote {}", a.output);
  return errors.finish();
}

}  // namespace

Command add_train_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = add_train_subcommand(app, "Train a classifier on labelled lines or documents", common);
  auto& a = *args;
  add_data_option(*cmd, a.data, true, "Training data: lines (fastText or label<TAB>text), or with --docs a folder per label or a path<TAB>label list");
  add_output_option(*cmd, a.output, true, "Model file to write (safetensors)");
  add_text_input_flags(*cmd, a.input);
  add_choice_option(*cmd, "--email-headers", a.email_headers, {"subject,from,type", "subject"}, "Email headers the model reads besides the body (--docs)");
  auto& m = a.model;
  auto& t = a.tokenizer;
  add_enum_option(*cmd, "--loss", m.loss, {{"softmax", LossKind::Softmax}, {"ova", LossKind::Ova}}, "softmax: one label per item; ova: one-vs-all, multi-label");
  a.encoder.register_flags(*cmd);
  cmd->add_option("--label-smoothing", m.label_smoothing, "Label smoothing (softmax loss)")->capture_default_str()->check(CLI::Range(0.0, 0.5));
  add_enum_option(*cmd, "--pos", m.pos, {{"learned", attn::text::PosKind::Learned}, {"sinusoidal", attn::text::PosKind::Sinusoidal}}, "Positional encoding");
  add_enum_option(*cmd, "--pool", m.pool, {{"mean", PoolKind::Mean}, {"cls", PoolKind::Cls}}, "Pooling for the classifier head");
  cmd->add_option("--max-len", t.max_len, "Tokens per item incl. [CLS]; longer items keep their first tokens")->capture_default_str()->check(CLI::Range(2, 8192));
  add_choice_option(*cmd, "--truncation", a.truncation, {"head", "head_tail"}, "Which tokens a long item keeps: the first ones, or half from each end");
  cmd->add_option("--min-count", t.min_count, "Minimum word count for the vocabulary")->capture_default_str()->check(CLI::Range(1, 1000000));
  cmd->add_option("--max-words", t.max_words, "Vocabulary size cap (0: none)")->capture_default_str()->check(CLI::Range(0, 10000000));
  cmd->add_option("--buckets", t.buckets, "Hash buckets for character n-grams (0: no n-grams)")->capture_default_str()->check(CLI::Range(0, 10000000));
  cmd->add_option("--ngram-min", t.ngram_min, "Shortest character n-gram")->capture_default_str()->check(CLI::Range(1, 10));
  cmd->add_option("--ngram-max", t.ngram_max, "Longest character n-gram (0: none)")->capture_default_str()->check(CLI::Range(0, 10));
  a.fit.register_flags(*cmd);
  return [args, &common, cmd] { return run_train(*args, common, *cmd); };
}

}  // namespace attn::tools::text
