#include "attn/layers/encoder.h"

#include <algorithm>
#include <stdexcept>

#include "scratch.h"

namespace attn {
namespace {

EncoderBlockConfig block_config(const EncoderConfig& c, int i) {
  EncoderBlockConfig b;
  b.dim = c.dim;
  b.heads = c.heads;
  b.ff_dim = c.ff_dim;
  b.dropout = c.dropout;
  b.attention_dropout = c.attention_dropout;
  b.mask = c.mask;
  b.window = c.window;
  b.locality = c.locality;
  // The rate grows linearly with depth (DeiT, timm): the first block is never dropped.
  b.drop_path = c.layers > 1 ? c.drop_path * static_cast<float>(i) / (c.layers - 1) : 0.0f;
  return b;
}

}  // namespace

Encoder::Encoder(const std::string& name, const EncoderConfig& config)
    : norm(name + ".norm", config.dim), config_(config) {
  if (config.layers < 0) throw std::invalid_argument("Encoder " + name + ": layers must be >= 0");
  if (config.dim <= 0 || config.ff_dim <= 0)
    throw std::invalid_argument("Encoder " + name + ": dim and ff_dim must be > 0");
  blocks.reserve(config.layers);
  for (int i = 0; i < config.layers; ++i)
    blocks.emplace_back(name + ".layers." + std::to_string(i), block_config(config, i));
}

void Encoder::init(Rng& rng) {
  for (EncoderBlock& block : blocks) block.init(rng);
  norm.init();
}

void Encoder::forward(const Segments& segs, const float* x, float* y, Cache* cache,
                      const RunContext& ctx) const {
  const int T = segs.total();
  const int64_t n = static_cast<int64_t>(T) * config_.dim;
  const int L = static_cast<int>(blocks.size());
  if (!cache) {  // inference: every block in place on y
    if (y != x) std::copy(x, x + n, y);
    for (const EncoderBlock& block : blocks) block.forward(segs, y, y, nullptr, ctx);
    if (config_.final_norm) norm.forward(T, y, y, nullptr);
    return;
  }
  cache->blocks.resize(L);
  cache->outputs.resize(L);
  const float* in = x;
  for (int i = 0; i < L; ++i) {
    cache->outputs[i].resize(n);
    blocks[i].forward(segs, in, cache->outputs[i].data(), &cache->blocks[i], ctx);  // h_i
    in = cache->outputs[i].data();
  }
  if (config_.final_norm)
    norm.forward(T, in, y, &cache->norm);  // y = norm(h_L)
  else if (y != in)
    std::copy(in, in + n, y);
}

void Encoder::backward(const Segments& segs, const float* x, const float* dy, float* dx,
                       const Cache& cache) {
  const int T = segs.total();
  const int64_t n = static_cast<int64_t>(T) * config_.dim;
  const int L = static_cast<int>(blocks.size());
  if (static_cast<int>(cache.blocks.size()) != L)
    throw std::logic_error("Encoder::backward needs a forward with a cache");
  static thread_local std::vector<float> scratch;
  float* d = dx ? dx : detail::grow(scratch, n);  // (T, C), the running gradient
  const float* last = L ? cache.outputs[L - 1].data() : x;
  if (config_.final_norm)
    norm.backward(T, last, dy, d, cache.norm);  // from y = norm(h_L)
  else if (d != dy)
    std::copy(dy, dy + n, d);
  for (int i = L - 1; i >= 0; --i) {  // from h_{i+1} = block_i(h_i), in place
    const float* in = i ? cache.outputs[i - 1].data() : x;
    blocks[i].backward(segs, in, d, d, cache.blocks[i]);
  }
}

void Encoder::parameter_shapes(const std::string& name, const EncoderConfig& config,
                               ParameterShapes& out) {
  const int64_t C = config.dim, F = config.ff_dim;
  const auto linear = [&](const std::string& prefix, int64_t in, int64_t outs) {
    out.push_back({prefix + ".weight", {outs, in}});
    out.push_back({prefix + ".bias", {outs}});
  };
  const auto norm = [&](const std::string& prefix) {
    out.push_back({prefix + ".weight", {C}});
    out.push_back({prefix + ".bias", {C}});
  };
  for (int i = 0; i < config.layers; ++i) {  // as EncoderBlock's members
    const std::string block = name + ".layers." + std::to_string(i);
    norm(block + ".ln1");
    for (const char* proj : {".q", ".k", ".v", ".out"}) linear(block + ".attn" + proj, C, C);
    if (config.locality) out.push_back({block + ".attn.score_scale", {config.heads}});
    norm(block + ".ln2");
    linear(block + ".ffn.fc1", C, F);
    linear(block + ".ffn.fc2", F, C);
  }
  if (config.final_norm) norm(name + ".norm");
}

void Encoder::collect(ParameterList& params) {
  for (EncoderBlock& block : blocks) block.collect(params);
  if (config_.final_norm) norm.collect(params);
}

void Encoder::last_attention_row(const Segments& segs, const Cache& cache, int head, int query,
                                 std::vector<std::pair<int, float>>& out) const {
  if (blocks.empty() || cache.blocks.size() != blocks.size())
    throw std::logic_error("Encoder::last_attention_row needs a forward with a cache");
  blocks.back().attn.attention_row(segs, cache.blocks.back().attn, head, query, out);
}

}  // namespace attn
