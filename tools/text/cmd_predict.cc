// attn-text predict: one output line per input line or document, in input order, streamed.
#include <memory>

#include "attn/data/input.h"
#include "commands.h"
#include "common/embedded_model.h"
#include "common/item_batch.h"
#include "common/predict_kit.h"
#include "common/run_guarded.h"
#include "text_input.h"

namespace attn::tools::text {
namespace {

constexpr size_t kExplainTsvTokens = 5;

struct PredictArgs {
  std::string model;
  std::vector<std::string> inputs;
  bool docs = false;
  int max_len = 0;  // 0: the model's
  bool explain = false;
  PredictOptions out;  // --top-k, --threshold, --format, --shard
};

int run_predict(PredictArgs& args, const CommonOptions& common, std::span<const unsigned char> builtin) {
  const auto model = attn::text::load_text_model(open_model_or_builtin(args.model, builtin));
  const attn::text::Tokenizer& own = model.classifier->tokenizer();
  if (args.max_len > own.config().max_len)
    throw UsageError("--max-len " + std::to_string(args.max_len) + " is above the model's " +
                     std::to_string(own.config().max_len));
  const attn::text::Tokenizer tokenizer = args.max_len > 0 ? with_max_len(own, args.max_len) : own;
  PredictionOutput output(args.out, model.labels);
  ItemBatch<std::string> batch(kPredictBatchSize, [&](std::vector<std::string>& ids, std::vector<std::string>& texts) {
    const auto r = predict_texts(*model.classifier, tokenizer, std::move(texts), args.docs ? &model.documents : nullptr, args.explain);
    const size_t K = model.labels.size();
    for (size_t b = 0; b < ids.size(); ++b) {
      Prediction p = output.make(ids[b], std::span<const float>(r.probs.data() + b * K, K));
      if (args.explain)  // jsonl: every token; tsv: the top ones as token=weight columns
        add_explanation(p, r.attention[b], args.out.format, SIZE_MAX, kExplainTsvTokens, [&](int i) {
          return ExplainedPart{{{"token", r.tokens[b].surface[i]}}, "explain:" + r.tokens[b].surface[i]};
        });
      output.write(p);
    }
  });
  BatchErrors errors(common.keep_going);
  if (args.docs)
    batch_input_paths<std::string>(batch, args.inputs, args.out.shard, errors, [](const std::string& path) {
      return data::read_text_file(path, data::kMaxDocumentBytes);
    });
  else
    batch_input_lines(batch, args.inputs, args.out.shard, errors);
  return errors.finish();
}

}  // namespace

Command add_predict_command(CLI::App& app, CommonOptions& common, std::span<const unsigned char> builtin) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = add_model_subcommand(app, "predict", "Label each input line, or each document with --docs", common, args->model, kModelHelp);
  add_inputs_argument(*cmd, args->inputs, "Text files ('-': stdin); with --docs, documents ('-': a list of paths on stdin)");
  cmd->add_flag("--docs", args->docs, "Each input is a whole document (an email, an article)");
  cmd->add_option("--max-len", args->max_len, "Tokens per item incl. [CLS] (at most the model's)")->check(CLI::Range(2, 1 << 20));
  cmd->add_flag("--explain", args->explain, "Add the tokens the pooled representation attended to (jsonl: all; tsv: top 5)");
  add_predict_options(*cmd, args->out);
  return [args, &common, builtin] { return run_predict(*args, common, builtin); };
}

}  // namespace attn::tools::text
