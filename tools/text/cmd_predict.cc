// attn-text predict: one output line per input line or document, in input order, streamed.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <numeric>

#include "attn/error.h"
#include "commands.h"
#include "common/batch_errors.h"
#include "common/item_batch.h"
#include "attn/data/input.h"
#include "common/output.h"
#include "common/predict_kit.h"
#include "common/run_guarded.h"
#include "model_loading.h"
#include "text_data.h"
#include "text_task.h"

namespace attn::tools::text {
namespace {

constexpr int kBatchSize = 64;
constexpr int kExplainTsvTokens = 5;

struct PredictArgs {
  std::string model;
  std::vector<std::string> inputs;
  bool docs = false;
  int max_len = 0;  // 0: the model's
  bool explain = false;
  PredictOptions out;  // --top-k, --threshold, --format, --shard
};

class Predictor {
 public:
  Predictor(const PredictArgs& args, const attn::text::TextModel& model)
      : args_(args),
        model_(model),
        tokenizer_(args.max_len > 0 ? with_max_len(model.classifier->tokenizer(), args.max_len)
                                    : model.classifier->tokenizer()),
        output_(args.out, model.labels),
        batch_(kBatchSize, [this](std::vector<std::string>& ids, std::vector<std::string>& texts) { run(ids, texts); }) {}

  void add(std::string id, std::string text) { batch_.add(std::move(id), std::move(text)); }
  void flush() { batch_.flush(); }

 private:
  void run(const std::vector<std::string>& ids, std::vector<std::string>& texts) {
    if (args_.docs) {  // raw documents become classifier text here, in parallel
      const int64_t n = static_cast<int64_t>(texts.size());
#pragma omp parallel for schedule(dynamic, 1)
      for (int64_t i = 0; i < n; ++i) texts[i] = document_text(texts[i], model_.documents);
    }
    const auto tokens = tokenize_all(tokenizer_, texts, args_.explain);
    std::vector<const TokenizedText*> batch;
    for (const auto& t : tokens) batch.push_back(&t);
    std::vector<float> probs;
    std::vector<std::vector<float>> attention;
    model_.classifier->predict(batch, probs, args_.explain ? &attention : nullptr);
    const size_t K = model_.labels.size();
    for (size_t b = 0; b < batch.size(); ++b) {
      Prediction p = output_.make(ids[b], std::span<const float>(probs.data() + b * K, K));
      if (args_.explain) add_explanation(p, tokens[b], attention[b]);
      output_.write(p);
    }
  }

  void add_explanation(Prediction& p, const TokenizedText& tokens, const std::vector<float>& weight) {
    std::vector<int> order(weight.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return weight[a] > weight[b]; });
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (int i : order)
      list.push_back({{"token", tokens.surface[i]}, {"weight", std::round(weight[i] * 1e6) / 1e6}});
    if (args_.out.format == PredictFormat::Jsonl) {
      p.extra["explain"] = list;
      return;
    }
    // TSV: the top tokens become one more "label" column each, as token=weight.
    for (size_t k = 0; k < order.size() && k < static_cast<size_t>(kExplainTsvTokens); ++k)
      p.labels.push_back({"explain:" + tokens.surface[order[k]], weight[order[k]]});
  }

  const PredictArgs& args_;
  const attn::text::TextModel& model_;
  const attn::text::Tokenizer tokenizer_;  // the model's, or with --max-len
  PredictionOutput output_;
  ItemBatch<std::string> batch_;
};

int predict_lines(const PredictArgs& args, Predictor& predictor, BatchErrors& errors) {
  const auto inputs = args.inputs.empty() ? std::vector<std::string>{"-"} : args.inputs;
  int64_t item = 0;  // over all inputs, for --shard
  for (const std::string& path : inputs) {
    errors.run(path, [&] {
      data::InputFile file(path);
      data::LineReader reader(file.get(), file.name());
      std::string line;
      for (;; ++item) {
        bool got = false, others = false;
        // A bad line is the item of the shard it falls in: reported there only.
        const bool ok = errors.run(reader.name(), [&] {
          try {
            got = reader.next(line);
          } catch (const Error&) {
            if (args.out.shard.mine(item)) throw;
            others = true;
          }
        });
        if (others) continue;
        if (ok && !got) break;
        if (!ok || !args.out.shard.mine(item)) continue;
        // One input: the id is the line number; several: file:line.
        const std::string id = inputs.size() == 1 ? std::to_string(reader.line_number()) : reader.where();
        predictor.add(id, line);
        if (reader.would_block()) predictor.flush();
      }
      predictor.flush();
    });
  }
  return errors.finish();
}

int predict_documents(const PredictArgs& args, Predictor& predictor, BatchErrors& errors) {
  each_input_path(
      args.inputs, args.out.shard, errors,
      [&](const std::string& path) { predictor.add(path, data::read_text_file(path, data::kMaxDocumentBytes)); },
      [&] { predictor.flush(); });
  predictor.flush();
  return errors.finish();
}

int run_predict(PredictArgs& args, const CommonOptions& common, std::span<const unsigned char> builtin) {
  const auto model = load_model(args.model, builtin);
  const int model_max_len = model.classifier->tokenizer().config().max_len;
  if (args.max_len > model_max_len)
    throw UsageError("--max-len " + std::to_string(args.max_len) + " is above the model's " +
                     std::to_string(model_max_len));
  Predictor predictor(args, model);
  BatchErrors errors(common.keep_going);
  return args.docs ? predict_documents(args, predictor, errors) : predict_lines(args, predictor, errors);
}

}  // namespace

Command add_predict_command(CLI::App& app, CommonOptions& common, std::span<const unsigned char> builtin) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = app.add_subcommand("predict", "Label each input line, or each document with --docs");
  add_common_flags(*cmd, common);
  add_keep_going_flag(*cmd, common);
  add_model_option(*cmd, args->model, false, "Model file (default: the built-in spam filter)");
  add_inputs_argument(*cmd, args->inputs, "Text files ('-': stdin); with --docs, documents ('-': a list of paths on stdin)");
  cmd->add_flag("--docs", args->docs, "Each input is a whole document (an email, an article)");
  cmd->add_option("--max-len", args->max_len, "Tokens per item incl. [CLS] (at most the model's)")->check(CLI::Range(2, 1 << 20));
  cmd->add_flag("--explain", args->explain, "Add the tokens the pooled representation attended to (jsonl: all; tsv: top 5)");
  add_predict_options(*cmd, args->out);
  return [args, &common, builtin] { return run_predict(*args, common, builtin); };
}

}  // namespace attn::tools::text
