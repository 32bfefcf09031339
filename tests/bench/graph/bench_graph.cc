// GAT benchmarks (tests/bench/graph/run_gat_bench.sh runs them beside PyTorch):
//   attn-bench-graph cora DIR [--threads T] [--reps R]
//     Cora (DIR/nodes.tsv, edges.tsv, split.tsv): the default 2-layer model's inference forward
//     and one training epoch (forward with dropout, loss, backward, Adam step), best of R.
//   attn-bench-graph large [--nodes N] [--edges E] [--features F] [--threads T]
//     A generated uniform-random graph (E directed edges plus self-loops, F dense features):
//     the CSR build and one inference forward of a 2-layer, 8-head model (8 x 8 hidden,
//     16 classes); times (generating the graph is timed apart), peak RSS, BLAS kernel.
//     tests/bench/graph/run_large_graph.sh runs it at N and 2N and prints the ratios.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "attn/blas.h"
#include "attn/graph/csr.h"
#include "attn/graph/model_file.h"
#include "attn/graph/readers.h"
#include "attn/graph/train.h"
#include "attn/layers/loss.h"
#include "attn/ops.h"
#include "attn/parallel.h"
#include "attn/train/optimizer.h"

using namespace attn;
using namespace attn::graph;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds of all threads so far: on a shared machine this moves less than the wall time.
double cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

const char* arg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return fallback;
}

int run_cora(const std::string& dir, int reps) {
  const std::string n = slurp(dir + "/nodes.tsv"), e = slurp(dir + "/edges.tsv"),
                    s = slurp(dir + "/split.tsv");
  GraphData g = read_tsv_graph({"nodes.tsv", n}, {"edges.tsv", e}, {"split.tsv", s}, {});
  normalize_feature_rows(g.features);
  EdgeOptions eo;
  eo.undirected = true;
  const BuiltGraph b = build_csr(g, eo);
  GatModelConfig mc;
  mc.in = g.features.dim;
  mc.classes = static_cast<int>(g.label_names.size());
  GatModel model(mc);
  Rng rng(0);
  model.init(rng);
  std::vector<int32_t> train;
  for (int i = 0; i < g.nodes(); ++i)
    if (g.split[i] == Split::Train) train.push_back(i);
  const ParameterList params = model.parameters();
  AdamWConfig ac;
  ac.lr = 0.005f;
  ac.weight_decay = 0.0f;
  AdamW adam(ac);
  GatModelCache infer, cache;
  std::vector<float> dlogits;
  double best_fwd = 1e30, best_epoch = 1e30;
  for (int r = 0; r < reps; ++r) {
    double t = now();
    model.forward(g.features, b.csr, infer, RunContext{}, false);
    best_fwd = std::min(best_fwd, now() - t);
    t = now();
    const RunContext ctx{true, static_cast<uint64_t>(r + 1)};
    const std::vector<float>& logits = model.forward(g.features, b.csr, cache, ctx, true);
    dlogits.resize(logits.size());
    node_loss(mc.classes, logits, g.labels, train, dlogits.data());
    model.backward(g.features, b.csr, cache, dlogits.data(), ctx);
    for (Parameter* p : params)  // L2 as torch's Adam(weight_decay=5e-4) on the other side
      if (p->decay) ops::axpy(p->value.size(), 5e-4f, p->value.data(), p->grad.data());
    adam.step(params);
    best_epoch = std::min(best_epoch, now() - t);
  }
  std::printf("attn cora forward_ms %.3f epoch_ms %.3f threads %d nodes %d edges %lld\n",
              best_fwd * 1e3, best_epoch * 1e3, attn::threads(), g.nodes(),
              static_cast<long long>(b.csr.nnz()));
  return 0;
}

int run_large(int N, int64_t E, int F) {
  const double t0 = now();
  GraphData g;
  g.ids.resize(N);  // ids are not needed to build the CSR; node_line for messages
  g.node_line.assign(N, 0);
  g.features.rows = N;
  g.features.dim = F;
  g.features.dense.resize(int64_t{N} * F);
  Rng rng(1);
  for (float& v : g.features.dense) v = rng.uniform(-1.0f, 1.0f);
  g.edges.resize(E);
  for (int64_t m = 0; m < E; ++m)
    g.edges[m] = {static_cast<int32_t>(rng.below(N)), static_cast<int32_t>(rng.below(N)), 1.0f, m + 1};
  const double t_gen = now() - t0, t_b = now(), c_b = cpu_s();
  BuiltGraph b = build_csr(g, {});
  const double t_build = now() - t_b, c_build = cpu_s() - c_b;
  std::vector<InputEdge>().swap(g.edges);  // the model needs only the CSR
  std::vector<int64_t>().swap(b.forward_edge);
  std::vector<int64_t>().swap(b.added_loop_edge);
  GatModelConfig mc;
  mc.in = F;
  mc.classes = 16;
  GatModel model(mc);
  model.init(rng);
  GatModelCache cache;
  const double t1 = now(), c1 = cpu_s();
  const std::vector<float>& logits = model.forward(g.features, b.csr, cache, RunContext{}, false);
  const double t_fwd = now() - t1, c_fwd = cpu_s() - c1;
  double check = 0;
  for (int64_t i = 0; i < int64_t{N} * 16; i += 9973) check += logits[i];
  std::printf("attn large nodes %d edges %lld features %d forward_s %.3f build_s %.3f "
              "peak_rss_mb %.0f threads %d generate_s %.3f blas %s forward_cpu_s %.3f "
              "build_cpu_s %.3f (checksum %.4f)\n",
              N, static_cast<long long>(b.csr.nnz()), F, t_fwd, t_build, peak_rss_mb(),
              attn::threads(), t_gen, blas_kernel_name().c_str(), c_fwd, c_build, check);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: attn-bench-graph cora DIR [--threads T] [--reps R] | large [...]\n");
    return 2;
  }
  attn::set_threads(std::atoi(arg(argc, argv, "--threads", "1")));
  const std::string mode = argv[1];
  if (mode == "cora" && argc >= 3) return run_cora(argv[2], std::atoi(arg(argc, argv, "--reps", "50")));
  if (mode == "large")
    return run_large(std::atoi(arg(argc, argv, "--nodes", "1000000")),
                     std::atoll(arg(argc, argv, "--edges", "10000000")),
                     std::atoi(arg(argc, argv, "--features", "64")));
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
