// attn-graph train: read the graph, train a GAT on its training nodes (full batch, early
// stopping on the validation nodes), write the model of the best validation epoch.
#include <filesystem>

#include "attn/error.h"
#include "attn/graph/train.h"
#include "attn/parallel.h"
#include "commands.h"
#include "common/command_line.h"
#include "common/log.h"
#include "common/run_guarded.h"
#include "graph_input.h"

namespace attn::tools::graph {
namespace {

using namespace attn::graph;

struct TrainArgs {
  GraphFiles files;
  GraphFlags prep;
  std::string output, score = "additive", storage = "f32", keep = "loss+accuracy";
  GatModelConfig model;
  GatTrainConfig train;
};

void check_output(const std::string& output) {
  // Fail before training, not after it, when the model could never be written.
  const auto dir = std::filesystem::path(output).parent_path();
  std::error_code ec;
  if (std::filesystem::is_directory(output, ec)) throw Error(output + ": is a directory");
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
    throw Error(output + ": no such directory '" + dir.string() + "'");
}

int run_train(TrainArgs& a, const CommonOptions& common, const std::string& command_line) {
  check_output(a.output);
  LoadedGraph lg = load_graph(a.files, graph_options(a.prep), common.keep_going);
  const GraphData& g = lg.data;
  if (g.label_names.size() < 2)
    throw Error(g.node_file + ": " + std::to_string(g.label_names.size()) +
                " label(s); a classifier needs at least two");
  // Training nodes: the split's train nodes with a label, or every labelled node without a split.
  std::vector<int32_t> train_nodes, val_nodes;
  for (int i = 0; i < g.nodes(); ++i) {
    if (g.labels[i] < 0) continue;
    if (!g.has_split || g.split[i] == Split::Train) train_nodes.push_back(i);
    if (g.split[i] == Split::Val) val_nodes.push_back(i);
  }
  if (train_nodes.empty())
    throw Error(g.has_split ? a.files.split + ": no labelled node is in the train split (are "
                                              "the labels only in val/test?)"
                            : g.node_file + ": no labelled nodes to train on");
  a.model.in = g.features.dim;
  a.model.classes = static_cast<int>(g.label_names.size());
  a.model.score = parse_gat_score(a.score);
  a.train.seed = common.seed;
  a.train.keep = a.keep == "loss" ? GatTrainConfig::Keep::Loss : GatTrainConfig::Keep::LossAndAccuracy;
  GatModel model(a.model);
  Rng rng(common.seed);
  model.init(rng);
  log_info("settings: layers {} heads {} hidden {} output-heads {} score {} residual {} head-dropout {} | dropout "
           "{} value-dropout {} attention-dropout {} | keep {} lr {} weight-decay {} epochs {} patience {} seed {} "
           "threads {} | train nodes {} val nodes {} | parameters {}",
           a.model.layers, a.model.heads, a.model.hidden, a.model.output_heads, a.score,
           a.model.residual, a.model.head_dropout, a.model.dropout, a.model.value_dropout, a.model.attention_dropout, a.keep, a.train.lr,
           a.train.weight_decay, a.train.epochs, a.train.patience, common.seed, attn::threads(),
           train_nodes.size(), val_nodes.size(), model.parameter_count());
  if (val_nodes.empty())
    log_info("no validation nodes: training all {} epochs, no early stopping", a.train.epochs);
  const TrainResult r = train_gat(
      model, g.features, lg.built.csr, g.labels, train_nodes, val_nodes, a.train,
      [&](const EpochReport& e) {
        if (e.epoch == 1 || e.epoch % 10 == 0 || e.epoch == a.train.epochs)
          log_info("epoch {}  loss {:.4f}  acc {:.4f}  valid loss {:.4f}  valid acc {:.4f}{}",
                   e.epoch, e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy,
                   e.best ? "  (best)" : "");
      });
  if (!val_nodes.empty())
    log_info("{} after {} epochs; kept epoch {}: valid loss {:.4f}  valid acc {:.4f}",
             r.stopped_early ? "stopped early" : "finished", r.epochs_run, r.best_epoch,
             r.best_val_loss, r.best_val_accuracy);
  const DType storage = a.storage == "f16" ? DType::F16 : a.storage == "bf16" ? DType::BF16 : DType::F32;
  save_gat_model(a.output, model, lg.options, g.label_names, command_line, storage);
  log_info("wrote {}", a.output);
  return 0;
}

}  // namespace

Command add_train_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand(
      "train", "Train a GAT on a graph's labelled training nodes (full batch, transductive)");
  add_common_flags(*cmd, common);
  add_seed_flag(*cmd, common);
  add_keep_going_flag(*cmd, common);
  add_graph_files_flags(*cmd, args->files);
  add_graph_prep_flags(*cmd, args->prep);
  add_output_option(*cmd, args->output, true, "Model file to write (safetensors)");
  add_choice_option(*cmd, "--storage", args->storage, {"f32", "f16", "bf16"},
                    "Weight precision in the model file");
  auto& m = args->model;
  auto& t = args->train;
  add_choice_option(*cmd, "--score", args->score, {"additive", "gatv2", "dot"},
                    "Attention score: additive (GAT), gatv2 (Brody et al. 2022) or dot");
  cmd->add_option("--layers", m.layers, "GAT layers, the last one the output layer")->capture_default_str()->check(CLI::Range(1, 16));
  cmd->add_option("--heads", m.heads, "Heads per hidden layer (concatenated)")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_option("--hidden", m.hidden, "Features per head in a hidden layer")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--output-heads", m.output_heads, "Heads of the output layer (averaged)")->capture_default_str()->check(CLI::Range(1, 64));
  cmd->add_flag("--residual", m.residual, "Residual connection around every layer");
  cmd->add_flag("--head-dropout,!--shared-dropout", m.head_dropout, "Each head drops the input features with its own mask (as the reference GAT code); --shared-dropout: one mask for all heads")->capture_default_str();
  cmd->add_option("--dropout", m.dropout, "Dropout on every layer's input features")->capture_default_str()->check(CLI::Range(0.0, 0.95));
  cmd->add_option("--value-dropout", m.value_dropout, "Dropout on the projected features before they are summed (as the reference GAT code)")->capture_default_str()->check(CLI::Range(0.0, 0.95));
  cmd->add_option("--attention-dropout", m.attention_dropout, "Dropout on the attention coefficients")->capture_default_str()->check(CLI::Range(0.0, 0.95));
  cmd->add_option("--negative-slope", m.negative_slope, "LeakyReLU slope of the scores")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--lr", t.lr, "Adam learning rate")->capture_default_str()->check(CLI::Range(1e-6, 1.0));
  cmd->add_option("--weight-decay", t.weight_decay, "L2 weight decay (Adam's, as the GAT paper)")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--epochs", t.epochs, "Most epochs (one full-graph step each)")->capture_default_str()->check(CLI::Range(1, 1000000));
  add_choice_option(*cmd, "--keep", args->keep, {"loss+accuracy", "loss"},
                    "Epoch kept: validation loss and accuracy both at their best (the GAT paper), or the lowest validation loss");
  cmd->add_option("--patience", t.patience, "Stop after this many epochs without a better validation loss or accuracy (0: never)")->capture_default_str()->check(CLI::Range(0, 1000000));
  return [args, &common, cmd] {
    return run_train(*args, common, recorded_command_line("attn-graph", *cmd));
  };
}

}  // namespace attn::tools::graph
