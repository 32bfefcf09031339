// attn-bench-attention: multi-head self-attention inference speed (projections included),
// compared with the OpenBLAS sgemm rate measured in the same run, plus the memory of the
// tiled single-head path at T = 16384.
//
// Usage: attn-bench-attention [--threads 1,2] [--seconds S]
// Output: one line per measurement, whitespace-separated columns after a '#' header, read by
// run_attention_bench.sh.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "attn/attention.h"
#include "attn/blas.h"
#include "attn/context.h"
#include "attn/layers/multihead_attention.h"
#include "attn/parallel.h"
#include "attn/rng.h"
#include "bench_timing.h"

namespace {

using attn::bench::best_seconds;
using attn::bench::random_vector;

// kB from a "Name:   123 kB" line of /proc/self/status.
long status_kb(const char* name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(name);
  while (std::getline(in, line))
    if (line.compare(0, n, name) == 0 && line[n] == ':') return std::atol(line.c_str() + n + 1);
  return -1;
}

double sgemm_gflops(int n, double seconds) {
  attn::Rng rng(1);
  const std::vector<float> a = random_vector(rng, size_t(n) * n), b = random_vector(rng, size_t(n) * n);
  std::vector<float> c(size_t(n) * n);
  const double t = best_seconds(
      [&] {
        attn::gemm(attn::Trans::No, attn::Trans::No, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f,
                   c.data(), n);
      },
      seconds);
  return 2.0 * n * n * n / t * 1e-9;
}

struct Shape {
  int B, T, C, H;
};

void bench_mha(const Shape& s, int threads, double sgemm_rate, double seconds) {
  attn::MultiHeadAttentionConfig config;
  config.dim = s.C;
  config.heads = s.H;
  attn::MultiHeadAttention mha("mha", config);
  attn::Rng rng(7);
  mha.init(rng);
  const attn::Segments segs = attn::Segments::uniform(s.B, s.T);
  const int N = segs.total();
  const std::vector<float> x = random_vector(rng, size_t(N) * s.C);
  std::vector<float> y(x.size()), q(x.size()), k(x.size()), v(x.size()), ctx_out(x.size());
  const attn::RunContext ctx;

  const double t_total =
      best_seconds([&] { mha.forward(segs, x.data(), y.data(), nullptr, ctx); }, seconds);
  // The two halves alone: the four projections, and the attention core on projected q, k, v.
  const double t_proj = best_seconds(
      [&] {
        mha.q_proj.forward(N, x.data(), q.data());
        mha.k_proj.forward(N, x.data(), k.data());
        mha.v_proj.forward(N, x.data(), v.data());
        mha.out_proj.forward(N, ctx_out.data(), y.data());
      },
      seconds / 2);
  const attn::AttentionSpec spec = mha.spec();
  const double t_core = best_seconds(
      [&] {
        attn::attention_forward(spec, segs, q.data(), k.data(), v.data(), ctx_out.data(), nullptr);
      },
      seconds / 2);

  const double proj_flops = 4.0 * 2.0 * N * double(s.C) * s.C;
  const double core_flops = 2.0 * attn::attention_forward_macs(spec, segs);
  const double gflops = (proj_flops + core_flops) / t_total * 1e-9;
  std::printf("mha %d %d %d %d %d %.3f %.1f %.2f %.3f %.1f %.3f %.1f\n", s.B, s.T, s.C, s.H,
              threads, t_total * 1e3, gflops, gflops / sgemm_rate, t_proj * 1e3,
              proj_flops / t_proj * 1e-9, t_core * 1e3, core_flops / t_core * 1e-9);
  std::fflush(stdout);
}

// One head, T = 16384, D = 64, no mask, inference: time and peak memory growth.
void bench_long(int threads, double seconds) {
  const int T = 16384, D = 64;
  attn::Rng rng(3);
  const std::vector<float> q = random_vector(rng, size_t(T) * D), k = random_vector(rng, size_t(T) * D),
                           v = random_vector(rng, size_t(T) * D);
  std::vector<float> out(size_t(T) * D, 0.0f);
  attn::AttentionSpec spec;
  spec.head_dim = D;
  const attn::Segments segs = attn::Segments::single(T);
  // Reset the peak-RSS mark (Linux: "5" to clear_refs), so VmHWM - VmRSS is this call's peak
  // growth (scratch, copies, thread stacks); the inputs and output are already resident.
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const long rss_before = status_kb("VmRSS");
  attn::attention_forward(spec, segs, q.data(), k.data(), v.data(), out.data(), nullptr);
  const long hwm_after = status_kb("VmHWM");
  const double t = best_seconds(
      [&] { attn::attention_forward(spec, segs, q.data(), k.data(), v.data(), out.data(), nullptr); },
      seconds);
  const double flops = 2.0 * attn::attention_forward_macs(spec, segs);
  std::printf("long %d %d %d %.1f %.1f %ld\n", T, D, threads, t * 1e3, flops / t * 1e-9,
              hwm_after - rss_before);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> thread_counts = {1, 2};
  double seconds = 1.5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--threads") {
      thread_counts.clear();
      for (const char* p = argv[i + 1]; *p;) {
        thread_counts.push_back(std::atoi(p));
        while (*p && *p != ',') ++p;
        if (*p == ',') ++p;
      }
    } else if (flag == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: %s [--threads 1,2] [--seconds S]\n", argv[0]);
      return 2;
    }
  }
  std::printf("# blas: %s\n", attn::blas_description().c_str());
  const Shape shapes[] = {{32, 128, 256, 4}, {8, 512, 256, 4}, {1, 4096, 256, 4}, {64, 50, 64, 4}};
  for (int threads : thread_counts) {
    attn::set_threads(threads);
    // The long single-head run first, so that its peak memory includes the first-time
    // allocation of its scratch buffers.
    std::printf("# long T D threads ms GFLOP/s peak_growth_kB\n");
    bench_long(threads, seconds);
    const double rate = sgemm_gflops(1024, seconds);
    std::printf("sgemm 1024 %d %.1f\n", threads, rate);
    std::printf("# mha B T C H threads ms GFLOP/s of_sgemm proj_ms proj_GFLOP/s core_ms core_GFLOP/s\n");
    for (const Shape& s : shapes) bench_mha(s, threads, rate, seconds);
  }
  return 0;
}
