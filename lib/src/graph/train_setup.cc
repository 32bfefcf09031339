#include "attn/graph/train_setup.h"

#include <fmt/format.h>

#include "attn/error.h"

namespace attn::graph {

GatTrainConfig gat_train_config(const FitConfig& fit, const std::string& keep) {
  GatTrainConfig t;
  t.epochs = fit.epochs;
  t.patience = fit.patience;
  t.lr = fit.adamw.lr;
  t.weight_decay = fit.adamw.weight_decay;
  t.seed = fit.seed;
  t.keep = keep == "loss" ? GatTrainConfig::Keep::Loss : GatTrainConfig::Keep::LossAndAccuracy;
  return t;
}

TrainingNodes checked_training_nodes(const GraphData& g, const std::string& split_file) {
  TrainingNodes nodes = training_nodes(g);
  if (nodes.train.empty())
    throw Error(g.has_split ? split_file + ": no labelled node is in the train split (are the labels only in val/test?)"
                            : g.node_file + ": no labelled nodes to train on");
  return nodes;
}

GatModelConfig train_model_config(const GatModelConfig& flags, const std::string& score, const GatModelConfig* saved,
                                  const std::string& saved_name, const GivenSetting& given, const GraphData& g) {
  GatModelConfig c = flags;
  if (saved) {
    c = *saved;
    if (given("dropout")) c.dropout = flags.dropout;
    if (given("value-dropout")) c.value_dropout = flags.value_dropout;
    if (given("attention-dropout")) c.attention_dropout = flags.attention_dropout;
    if (given("head-dropout")) c.head_dropout = flags.head_dropout;
    if (g.features.dim != c.in)
      throw Error(fmt::format("{}: {} features per node, {} reads {}", g.node_file, g.features.dim, saved_name, c.in));
  } else {
    c.in = g.features.dim;
    c.score = parse_gat_score(score);
  }
  c.classes = static_cast<int>(g.label_names.size());
  return c;
}

std::vector<int32_t> labels_of(const GraphData& g, const std::vector<int32_t>& nodes) {
  std::vector<int32_t> out;
  for (int32_t i : nodes) out.push_back(g.labels[i]);
  return out;
}

std::string epoch_line(const EpochReport& e, int epochs) {
  if (e.epoch != 1 && e.epoch % 10 != 0 && e.epoch != epochs) return "";
  return fmt::format("epoch {}  loss {:.4f}  acc {:.4f}  valid loss {:.4f}  valid acc {:.4f}{}", e.epoch, e.train_loss,
                     e.train_accuracy, e.val_loss, e.val_accuracy, e.best ? "  (best)" : "");
}

std::string result_line(const TrainResult& r) {
  return fmt::format("{} after {} epochs; kept epoch {}: valid loss {:.4f}  valid acc {:.4f}",
                     r.stopped_early ? "stopped early" : "finished", r.epochs_run, r.best_epoch, r.best_val_loss,
                     r.best_val_accuracy);
}

}  // namespace attn::graph
