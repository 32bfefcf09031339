// attn-graph train: read the graph, train a GAT on its training nodes (full batch, early
// stopping on the split's validation nodes), write the model of the kept validation epoch.
// The shared training flags come from the train kit (common/fit_options.h) without the ones a
// full-batch run on one graph has no use for (--valid: the split's val nodes validate;
// --batch-size, --warmup, --clip).
#include "attn/graph/train_setup.h"
#include "attn/parallel.h"
#include "commands.h"
#include "common/train_kit.h"
#include "graph_input.h"

namespace attn::tools::graph {
namespace {

using namespace attn::graph;

struct TrainArgs {
  GraphFiles files;
  GraphOptionNames prep;
  std::string output, score = "additive", keep = "loss+accuracy";
  GatModelConfig model;
  FitOptions fit{{.epochs = 10000, .lr = 0.005f, .batch_size = 1, .warmup = 0.0f, .weight_decay = 5e-4f, .clip = 0.0}};
};

// The settings a graph model is trained with: --init fixes its architecture and how it read the
// graph; the dropouts are free.
SettingsTable model_settings(const GatModelConfig& c, const GraphOptions& g) {
  SettingsTable s;
  s.fix("layers", c.layers).fix("heads", c.heads).fix("hidden", c.hidden).fix("output-heads", c.output_heads);
  s.fix("score", gat_score_name(c.score)).fix("residual", c.residual).fix("negative-slope", c.negative_slope);
  s.show("head-dropout", c.head_dropout).group().show("dropout", c.dropout).show("value-dropout", c.value_dropout);
  s.show("attention-dropout", c.attention_dropout).group().fix("features", feature_format_name(g.features));
  s.fix("feature-dim", g.feature_dim).fix("undirected", g.undirected).fix("self-loops", self_loops_name(g.self_loops));
  return s.fix("no-normalize", !g.normalize_rows);
}

int run_train(TrainArgs& a, const CommonOptions& common, const CLI::App& cmd) {
  check_train_output(a.output);
  GraphOptions prep = parse_graph_options(a.prep);
  std::optional<LoadedGatModel> base = load_init_model(a.fit.init, cmd, load_gat_model, [](const LoadedGatModel& m) {
    return model_settings(m.model->config(), m.graph);
  });
  if (base) prep = base->graph;
  LoadedGraph lg = read_graph(a.files, prep, common.keep_going);
  const GraphData& g = lg.data;
  check_labels(g.label_names, g.node_file);
  const auto [train_nodes, val_nodes] = checked_training_nodes(g, a.files.split);
  a.model = train_model_config(a.model, a.score, base ? &base->model->config() : nullptr,
                               "the model of --init " + a.fit.init, given_settings(cmd), g);
  GatTrainConfig t = gat_train_config(a.fit.to_config(common.seed), a.keep);
  t.class_weights = class_weights(a.fit.class_weight, g.label_names, labels_of(g, train_nodes));
  GatModel model(a.model);
  Rng rng(common.seed);
  model.init(rng);
  if (base) {
    start_from(model.parameters(), base->model->parameters(), base->labels, g.label_names, a.fit.init, model.output_layer_prefix());
    base.reset();  // its weights are copied
  }
  SettingsTable settings = model_settings(a.model, lg.options);
  settings.group().show("keep", a.keep).show("lr", t.lr).show("weight-decay", t.weight_decay).show("epochs", t.epochs);
  settings.show("patience", t.patience).show("class-weight", a.fit.class_weight).show("seed", common.seed);
  settings.show("threads", attn::threads()).group().show("train nodes", train_nodes.size());
  settings.show("val nodes", val_nodes.size()).group().show("parameters", model.parameter_count());
  log_info("{}", settings.line());
  if (val_nodes.empty())
    log_info("no validation nodes: training all {} epochs, no early stopping", t.epochs);
  const TrainResult r = train_gat(model, g.features, lg.built.csr, g.labels, train_nodes, val_nodes, t, [&](const EpochReport& e) {
    if (const std::string line = epoch_line(e, t.epochs); !line.empty()) log_info("{}", line);
  });
  if (!val_nodes.empty()) log_info("{}", result_line(r));
  save_gat_model(a.output, model, lg.options, g.label_names, recorded_command_line("attn-graph", cmd),
                 a.fit.storage, init_metadata(a.fit.init));
  log_info("wrote {}", a.output);
  return 0;
}

}  // namespace

Command add_train_command(CLI::App& app, CommonOptions& common) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = add_train_subcommand(app, "Train a GAT on a graph's labelled training nodes (full batch, transductive)", common);
  add_graph_files_flags(*cmd, args->files);
  add_graph_prep_flags(*cmd, args->prep);
  add_output_option(*cmd, args->output, true, "Model file to write (safetensors)");
  auto& m = args->model;
  add_choice_option(*cmd, "--score", args->score, {"additive", "gatv2", "dot"}, "Attention score: additive (GAT), gatv2 (Brody et al. 2022) or dot");
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
  add_choice_option(*cmd, "--keep", args->keep, {"loss+accuracy", "loss"}, "Epoch kept: validation loss and accuracy both at their best (the GAT paper), or the lowest validation loss");
  FitOptions& f = args->fit;
  f.patience = 100;
  f.offer_batches = false;
  f.register_flags(*cmd, "nodes");
  // The kit's flags, as a full-batch run on the split's validation nodes reads them.
  cmd->get_option("--epochs")->description("Most epochs (one full-graph step each)");
  cmd->get_option("--lr")->description("Adam learning rate (constant)");
  cmd->get_option("--weight-decay")->description("L2 weight decay (Adam's, as the GAT paper)");
  cmd->get_option("--patience")->description("Stop after this many epochs without a better validation loss or accuracy on the split's val nodes (0: never)");
  cmd->get_option("--class-weight")->description("Loss weight per label over the training nodes: none, balanced (inverse label frequency) or a FILE of label<TAB>weight lines (labels not in it: 1)");
  cmd->get_option("--init")->description("Fine-tune from this saved graph model: its architecture and graph settings are kept; an output layer for other labels starts afresh");
  return [args, &common, cmd] { return run_train(*args, common, *cmd); };
}

}  // namespace attn::tools::graph
