// Full-batch GAT training on planted communities: it learns from the graph (held-out nodes
// well above chance, where the features alone carry little), stops early on validation, and
// the same seed gives the same model.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "attn/error.h"
#include "attn/graph/csr.h"
#include "attn/graph/train.h"
#include "attn/graph/train_setup.h"
#include "attn/rng.h"

using namespace attn;
using namespace attn::graph;

namespace {

// K communities of n nodes; an edge stays inside a community with probability 0.9. Each
// node has 8 noisy features, only weakly tied to its community.
GraphData planted(int K, int n, uint64_t seed) {
  Rng rng(seed);
  GraphData g;
  const int N = K * n;
  for (int i = 0; i < N; ++i) {
    g.ids.push_back(std::to_string(i));
    g.node_line.push_back(i + 1);
    g.labels.push_back(i % K);
    g.split.push_back(i < N / 4 ? Split::Train : i < N / 2 ? Split::Val : Split::Test);
  }
  for (int k = 0; k < K; ++k) g.label_names.push_back(std::to_string(k));
  g.features.rows = N;
  g.features.dim = 8;
  for (int i = 0; i < N; ++i)
    for (int f = 0; f < 8; ++f)
      g.features.dense.push_back(rng.normal() + (f == i % K ? 0.4f : 0.0f));
  for (int i = 0; i < N; ++i)
    for (int t = 0; t < 4; ++t) {
      int j = static_cast<int>(rng.below(N));
      if (rng.uniform() < 0.9f) j = (j / K) * K + i % K;  // same community
      g.edges.push_back({i, j, 1.0f, int64_t{i} * 4 + t + 1});
    }
  return g;
}

std::vector<int32_t> nodes_in(const GraphData& g, Split s) {
  std::vector<int32_t> v;
  for (int i = 0; i < g.nodes(); ++i)
    if (g.split[i] == s) v.push_back(i);
  return v;
}

}  // namespace

TEST_CASE("GAT learns planted communities from the edges") {
  const GraphData g = planted(3, 80, 7);
  EdgeOptions eo;
  eo.undirected = true;
  const BuiltGraph b = build_csr(g, eo);
  GatModelConfig mc;
  mc.in = 8;
  mc.classes = 3;
  mc.heads = 4;
  GatTrainConfig tc;
  tc.epochs = 300;
  tc.patience = 50;
  tc.lr = 0.01f;
  auto run = [&](std::vector<float>* weights) {
    GatModel model(mc);
    Rng rng(tc.seed);
    model.init(rng);
    const TrainResult r = train_gat(model, g.features, b.csr, g.labels, nodes_in(g, Split::Train),
                                    nodes_in(g, Split::Val), tc);
    const std::vector<float> p = predict_probabilities(model, g.features, b.csr);
    const NodeLoss test = node_loss(3, p, g.labels, nodes_in(g, Split::Test), nullptr);
    if (weights) *weights = model.parameters()[0]->value.storage();
    CHECK(r.best_epoch >= 1);
    return std::make_pair(r, test.accuracy);
  };
  std::vector<float> w1, w2;
  const auto [r1, acc1] = run(&w1);
  MESSAGE("planted communities: test accuracy " << acc1 << ", best epoch " << r1.best_epoch
                                                << " of " << r1.epochs_run);
  CHECK(acc1 >= 0.80);  // chance is 1/3
  const auto [r2, acc2] = run(&w2);
  CHECK(w1 == w2);  // same seed, same threads: bit-identical
  CHECK(acc2 == acc1);
}

TEST_CASE("training needs labelled training nodes") {
  const GraphData g = planted(2, 10, 1);
  const BuiltGraph b = build_csr(g, {});
  GatModelConfig mc;
  mc.in = 8;
  mc.classes = 2;
  GatModel model(mc);
  CHECK_THROWS_WITH_AS(train_gat(model, g.features, b.csr, g.labels, {}, {}, {}),
                       "no labelled training nodes", attn::Error);
}

TEST_CASE("node_loss with class weights: each node's loss and gradient scaled by its label's weight") {
  // 3 nodes, K = 2; the loss is taken on nodes 0 and 2 (labels 0 and 1).
  const std::vector<float> logits = {2.0f, -1.0f, 0.5f, 0.5f, 0.3f, 1.1f};
  const std::vector<int32_t> labels = {0, 1, 1}, nodes = {0, 2};
  std::vector<float> d_plain(6), d_weighted(6);
  const NodeLoss plain = node_loss(2, logits, labels, nodes, d_plain.data());
  const std::vector<float> w = {0.5f, 3.0f};
  const NodeLoss weighted = node_loss(2, logits, labels, nodes, d_weighted.data(), w);
  // each row's own loss: -log softmax at its label
  auto row_loss = [&](int i) {
    const float* z = logits.data() + 2 * i;
    const double m = std::max(z[0], z[1]);
    return -(z[labels[i]] - m - std::log(std::exp(z[0] - m) + std::exp(z[1] - m)));
  };
  CHECK(plain.loss == doctest::Approx((row_loss(0) + row_loss(2)) / 2).epsilon(1e-5));
  CHECK(weighted.loss == doctest::Approx((0.5 * row_loss(0) + 3.0 * row_loss(2)) / 2).epsilon(1e-5));
  CHECK(weighted.loss != doctest::Approx(plain.loss));
  CHECK(weighted.accuracy == plain.accuracy);
  for (int k = 0; k < 2; ++k) {
    CHECK(d_weighted[0 * 2 + k] == doctest::Approx(0.5f * d_plain[0 * 2 + k]).epsilon(1e-5));
    CHECK(d_weighted[2 * 2 + k] == doctest::Approx(3.0f * d_plain[2 * 2 + k]).epsilon(1e-5));
    CHECK(d_weighted[1 * 2 + k] == 0.0f);  // not a loss node
  }
}

TEST_CASE("train setup: the config from fit's settings, the model config, the nodes, the log lines") {
  FitConfig fit;
  fit.epochs = 200;
  fit.patience = 20;
  fit.adamw.lr = 0.01f;
  fit.adamw.weight_decay = 1e-3f;
  fit.seed = 7;
  const GatTrainConfig t = gat_train_config(fit, "loss");
  CHECK(t.epochs == 200);
  CHECK(t.patience == 20);
  CHECK(t.lr == 0.01f);
  CHECK(t.weight_decay == 1e-3f);
  CHECK(t.seed == 7);
  CHECK(t.keep == GatTrainConfig::Keep::Loss);
  CHECK(gat_train_config(fit, "loss+accuracy").keep == GatTrainConfig::Keep::LossAndAccuracy);

  GraphData g = planted(3, 10, 1);
  GatModelConfig flags;
  flags.dropout = 0.1f;
  const GatModelConfig fresh = train_model_config(flags, "gatv2", nullptr, "", {}, g);
  CHECK(fresh.in == g.features.dim);
  CHECK(fresh.classes == 3);
  CHECK(fresh.score == GatScore::GatV2);
  GatModelConfig saved = fresh;
  saved.dropout = 0.5f;
  saved.value_dropout = 0.4f;
  const auto given = [](const std::string& name) { return name == "dropout"; };
  const GatModelConfig init = train_model_config(flags, "dot", &saved, "the saved model", given, g);
  CHECK(init.dropout == 0.1f);
  CHECK(init.value_dropout == 0.4f);
  CHECK(init.score == GatScore::GatV2);
  saved.in += 1;
  CHECK_THROWS_WITH(train_model_config(flags, "dot", &saved, "the saved model", given, g),
                    ": 8 features per node, the saved model reads 9");

  g.has_split = true;
  g.labels.assign(g.labels.size(), -1);
  CHECK_THROWS_WITH(checked_training_nodes(g, "split.tsv"),
                    "split.tsv: no labelled node is in the train split (are the labels only in val/test?)");

  EpochReport e;
  e.epoch = 3;
  CHECK(epoch_line(e, 100).empty());
  e.epoch = 10;
  e.best = true;
  CHECK(epoch_line(e, 100) == "epoch 10  loss 0.0000  acc 0.0000  valid loss 0.0000  valid acc 0.0000  (best)");
  TrainResult r;
  r.epochs_run = 12;
  r.best_epoch = 2;
  r.stopped_early = true;
  CHECK(result_line(r) == "stopped early after 12 epochs; kept epoch 2: valid loss 0.0000  valid acc 0.0000");

  const std::vector<float> probs{0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f};
  const ConfusionMatrix c = node_confusion(probs, 2, {0, 1, 1}, {0, 1, 2});
  CHECK(compute_metrics(c).accuracy == doctest::Approx(2.0 / 3));
}
