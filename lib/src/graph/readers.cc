// Graph readers: Cora .content/.cites and nodes.tsv/edges.tsv/split.tsv (see readers.h).
#include "attn/graph/readers.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "attn/error.h"

namespace attn::graph {

namespace {

// Lines of a buffer, 1-based numbers, without '\n' and one trailing '\r'.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const size_t end = std::min(text_.find('\n', pos_), text_.size());
    line = text_.substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = end + 1;
    ++number_;
    return true;
  }
  int64_t number() const { return number_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t number_ = 0;
};

bool skip_line(std::string_view line) { return line.empty() || line.front() == '#'; }

std::vector<std::string_view> split_on(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos
                                                                : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Whitespace-separated tokens appended to out.
void tokens_of(std::string_view s, std::vector<std::string_view>& out) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
}

std::string where(const std::string& file, int64_t line) {
  return file + ":" + std::to_string(line) + ": ";
}

std::string quoted(std::string_view s) {
  std::string q(s.substr(0, 64));
  if (s.size() > 64) q += "...";
  return "'" + q + "'";
}

bool parse_float(std::string_view t, float& v) {
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && ptr == t.data() + t.size();
}

bool parse_index(std::string_view t, int64_t& v) {
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && ptr == t.data() + t.size() && v >= 0;
}

float finite_value(std::string_view t, const std::string& at, const char* what) {
  float v = 0.0f;
  if (!parse_float(t, v)) throw Error(at + what + " " + quoted(t) + " is not a number");
  if (!std::isfinite(v)) throw Error(at + what + " " + quoted(t) + " is not finite");
  return v;
}

// The rows of feature tokens of the node file, decided and parsed.
struct FeatureRows {
  std::vector<std::vector<std::string_view>> tokens;  // per node
  std::vector<int64_t> lines;                         // per node
};

// Integer tokens strictly increasing within each row, and either rows of different lengths
// or an index at least as large as its row is long: an index list, not dense values
// ("0 1 0 1" and "3 3 1" are dense; "2 17 40" is a list).
bool looks_like_index_list(const FeatureRows& rows) {
  const size_t first = rows.tokens.empty() ? 0 : rows.tokens[0].size();
  bool differ = false, beyond_length = false;
  for (const auto& row : rows.tokens) {
    differ |= row.size() != first;
    int64_t previous = -1;
    for (std::string_view t : row) {
      int64_t i = 0;
      if (!parse_index(t, i) || i <= previous) return false;
      previous = i;
      beyond_length |= i >= static_cast<int64_t>(row.size());
    }
  }
  return differ || beyond_length;
}

FeatureFormat decide(const FeatureRows& rows, FeatureFormat requested) {
  if (requested != FeatureFormat::Auto) return requested;
  for (const auto& row : rows.tokens)
    for (std::string_view t : row)
      if (t.find(':') != std::string_view::npos) return FeatureFormat::Sparse;
  return looks_like_index_list(rows) ? FeatureFormat::Sparse : FeatureFormat::Dense;
}

NodeFeatures parse_dense(const FeatureRows& rows, const std::string& file, int declared) {
  NodeFeatures f;
  f.kind = NodeFeatures::Kind::Dense;
  f.rows = static_cast<int>(rows.tokens.size());
  const size_t F = declared > 0 ? static_cast<size_t>(declared)
                                : (rows.tokens.empty() ? 0 : rows.tokens[0].size());
  if (F > (size_t{1} << 24)) throw Error(file + ": more than 16777216 features per row");
  f.dim = static_cast<int>(F);
  f.dense.reserve(F * rows.tokens.size());
  for (size_t i = 0; i < rows.tokens.size(); ++i) {
    const std::string at = where(file, rows.lines[i]);
    if (rows.tokens[i].size() != F)
      throw Error(at + std::to_string(rows.tokens[i].size()) + " feature values, expected " +
                  std::to_string(F) +
                  (declared > 0 ? " (--feature-dim)"
                                : " (as on line " + std::to_string(rows.lines[0]) + ")"));
    for (std::string_view t : rows.tokens[i]) f.dense.push_back(finite_value(t, at, "feature"));
  }
  return f;
}

NodeFeatures parse_sparse(const FeatureRows& rows, const std::string& file, int declared) {
  NodeFeatures f;
  f.kind = NodeFeatures::Kind::Sparse;
  f.rows = static_cast<int>(rows.tokens.size());
  int64_t largest = -1;
  std::vector<std::pair<int32_t, float>> row;
  for (size_t i = 0; i < rows.tokens.size(); ++i) {
    const std::string at = where(file, rows.lines[i]);
    row.clear();
    for (std::string_view t : rows.tokens[i]) {
      const size_t colon = t.find(':');
      const std::string_view idx = t.substr(0, colon);
      int64_t index = 0;
      if (!parse_index(idx, index))
        throw Error(at + "feature index " + quoted(idx) + " is not a non-negative integer");
      if (declared > 0 && index >= declared)
        throw Error(at + "feature index " + std::to_string(index) +
                    " is past the declared dimension " + std::to_string(declared));
      if (index >= (int64_t{1} << 30)) throw Error(at + "feature index " + quoted(idx) + " is too large");
      const float v = colon == std::string_view::npos
                          ? 1.0f
                          : finite_value(t.substr(colon + 1), at, "feature value");
      row.emplace_back(static_cast<int32_t>(index), v);
      largest = std::max(largest, index);
    }
    std::sort(row.begin(), row.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t n = 1; n < row.size(); ++n)
      if (row[n].first == row[n - 1].first)
        throw Error(at + "feature index " + std::to_string(row[n].first) + " repeated");
    for (const auto& [index, v] : row) {
      f.index.push_back(index);
      f.value.push_back(v);
    }
    f.row_ptr.push_back(static_cast<int64_t>(f.index.size()));
  }
  f.dim = declared > 0 ? declared : static_cast<int>(largest + 1);
  return f;
}

// Label names sorted (numerically when all are integers), then each node's index.
void assign_labels(GraphData& g, const std::vector<std::string>& raw) {
  std::vector<std::string> names;
  for (const std::string& l : raw)
    if (!l.empty()) names.push_back(l);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  const bool numeric = std::all_of(names.begin(), names.end(), [](const std::string& s) {
    int64_t v = 0;
    return s.size() < 18 && parse_index(s, v);
  });
  if (numeric)
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
  g.label_names = names;
  g.labels.assign(raw.size(), -1);
  for (size_t i = 0; i < raw.size(); ++i)
    if (!raw[i].empty())
      g.labels[i] = static_cast<int32_t>(
          std::lower_bound(names.begin(), names.end(), raw[i],
                           [numeric](const std::string& a, const std::string& b) {
                             return numeric && a.size() != b.size() ? a.size() < b.size() : a < b;
                           }) -
          names.begin());
}

int32_t add_node(GraphData& g, std::string_view id, int64_t line, const ReadOptions& opt,
                 const std::string& at) {
  if (g.nodes() >= opt.max_nodes)
    throw Error(at + "more than " + std::to_string(opt.max_nodes) + " nodes");
  const int32_t n = g.nodes();
  auto [it, fresh] = g.index_of.emplace(std::string(id), n);
  if (!fresh)
    throw Error(at + "node " + quoted(id) + " already defined on line " +
                std::to_string(g.node_line[it->second]));
  g.ids.emplace_back(id);
  g.node_line.push_back(line);
  return n;
}

void check_id(std::string_view id, const std::string& at) {
  if (id.empty()) throw Error(at + "empty node id");
}

// Edges "src dst [weight]" (tab- or space-separated). New ids become nodes when add_unknown.
void read_edges(GraphData& g, const TextInput& in, const ReadOptions& opt, bool add_unknown) {
  Lines lines(in.text);
  std::string_view line;
  std::vector<std::string_view> f;
  while (lines.next(line)) {
    if (skip_line(line)) continue;
    const std::string at = where(in.name, lines.number());
    f.clear();
    tokens_of(line, f);
    if (f.size() < 2 || f.size() > 3) {
      if (opt.keep_going) {
        ++g.report.bad_lines;
        continue;
      }
      throw Error(at + "expected src<TAB>dst[<TAB>weight], found " + std::to_string(f.size()) +
                  " fields");
    }
    InputEdge e;
    e.line = lines.number();
    if (f.size() == 3) {
      e.weight = finite_value(f[2], at, "edge weight");
      ++g.report.weighted_edges;
    }
    ++g.report.edge_lines;
    int32_t ends[2];
    bool known = true;
    for (int s = 0; s < 2; ++s) {
      const auto it = g.index_of.find(std::string(f[s]));
      if (it != g.index_of.end()) {
        ends[s] = it->second;
      } else if (add_unknown) {
        ends[s] = add_node(g, f[s], 0, opt, at);
      } else if (opt.keep_going) {
        known = false;
      } else {
        throw Error(at + "node " + quoted(f[s]) + " is not in " + g.node_file +
                    " (--keep-going drops such edges)");
      }
    }
    if (!known) {
      ++g.report.unknown_node_edges;
      continue;
    }
    e.src = ends[0];
    e.dst = ends[1];
    g.edges.push_back(e);
  }
}

void read_split(GraphData& g, const TextInput& in, const ReadOptions& opt) {
  Lines lines(in.text);
  std::string_view line;
  std::vector<std::string_view> f;
  std::vector<int64_t> set_on(g.nodes(), 0);
  while (lines.next(line)) {
    if (skip_line(line)) continue;
    const std::string at = where(in.name, lines.number());
    f.clear();
    tokens_of(line, f);
    try {
      if (f.size() != 2) throw Error(at + "expected id<TAB>train|val|test");
      const auto it = g.index_of.find(std::string(f[0]));
      if (it == g.index_of.end()) throw Error(at + "node " + quoted(f[0]) + " is not in " + g.node_file);
      Split s = Split::None;
      if (f[1] == "train") s = Split::Train;
      else if (f[1] == "val" || f[1] == "valid" || f[1] == "validation") s = Split::Val;
      else if (f[1] == "test") s = Split::Test;
      else throw Error(at + "split " + quoted(f[1]) + " is not train, val or test");
      if (set_on[it->second])
        throw Error(at + "node " + quoted(f[0]) + " already in a split on line " +
                    std::to_string(set_on[it->second]));
      set_on[it->second] = lines.number();
      g.split[it->second] = s;
    } catch (const Error&) {
      if (!opt.keep_going) throw;
      ++g.report.bad_lines;
    }
  }
  g.has_split = true;
}

void finish_features(GraphData& g, FeatureRows& rows, FeatureFormat format, const ReadOptions& opt) {
  if (format == FeatureFormat::None) {
    g.features = NodeFeatures::identity(g.nodes());
    return;
  }
  g.features = format == FeatureFormat::Sparse ? parse_sparse(rows, g.node_file, opt.feature_dim)
                                               : parse_dense(rows, g.node_file, opt.feature_dim);
  g.features.sparsify_if_sparse();
  if (g.features.dim == 0) throw Error(g.node_file + ": the nodes have no features (--features none?)");
}

}  // namespace

const char* feature_format_name(FeatureFormat f) {
  switch (f) {
    case FeatureFormat::Auto: return "auto";
    case FeatureFormat::Dense: return "dense";
    case FeatureFormat::Sparse: return "sparse";
    case FeatureFormat::None: return "none";
  }
  return "?";
}

FeatureFormat parse_feature_format(const std::string& s) {
  if (s == "auto") return FeatureFormat::Auto;
  if (s == "dense") return FeatureFormat::Dense;
  if (s == "sparse") return FeatureFormat::Sparse;
  if (s == "none") return FeatureFormat::None;
  throw Error("unknown feature format '" + s + "' (expected auto, dense, sparse or none)");
}

GraphData read_cora(const TextInput& content, const TextInput& cites, const ReadOptions& opt) {
  GraphData g;
  g.node_file = content.name;
  g.edge_file = cites.name;
  Lines lines(content.text);
  std::string_view line;
  FeatureRows rows;
  std::vector<std::string> raw_labels;
  std::vector<std::string_view> f;
  while (lines.next(line)) {
    if (skip_line(line)) continue;
    const std::string at = where(content.name, lines.number());
    f.clear();
    tokens_of(line, f);
    if (f.size() < 2) throw Error(at + "expected id<TAB>features...<TAB>label");
    check_id(f.front(), at);
    add_node(g, f.front(), lines.number(), opt, at);
    raw_labels.emplace_back(f.back());
    rows.tokens.emplace_back(f.begin() + 1, f.end() - 1);
    rows.lines.push_back(lines.number());
  }
  if (g.nodes() == 0) throw Error(content.name + ": no nodes (an empty graph)");
  assign_labels(g, raw_labels);
  g.split.assign(g.nodes(), Split::None);
  const FeatureFormat format =
      opt.features == FeatureFormat::Auto ? FeatureFormat::Dense : opt.features;
  finish_features(g, rows, format, opt);
  read_edges(g, cites, opt, /*add_unknown=*/false);
  return g;
}

GraphData read_tsv_graph(const TextInput& nodes, const TextInput& edges, const TextInput& split,
                         const ReadOptions& opt) {
  GraphData g;
  const bool have_nodes = !nodes.name.empty();
  if (!have_nodes && opt.features != FeatureFormat::None)
    throw Error("no node file: an edge list alone needs --features none");
  g.node_file = have_nodes ? nodes.name : edges.name;
  g.edge_file = edges.name;
  FeatureRows rows;
  std::vector<std::string> raw_labels;
  if (have_nodes) {
    Lines lines(nodes.text);
    std::string_view line;
    while (lines.next(line)) {
      if (skip_line(line)) continue;
      const std::string at = where(nodes.name, lines.number());
      const std::vector<std::string_view> f = split_on(line, '\t');
      check_id(f[0], at);
      add_node(g, f[0], lines.number(), opt, at);
      raw_labels.emplace_back(f.size() > 1 ? f[1] : std::string_view());
      rows.tokens.emplace_back();
      if (opt.features != FeatureFormat::None)
        for (size_t c = 2; c < f.size(); ++c) tokens_of(f[c], rows.tokens.back());
      rows.lines.push_back(lines.number());
    }
    if (g.nodes() == 0) throw Error(nodes.name + ": no nodes (an empty graph)");
  }
  const FeatureFormat format = decide(rows, opt.features);
  if (have_nodes) finish_features(g, rows, format, opt);
  read_edges(g, edges, opt, /*add_unknown=*/!have_nodes);
  if (g.nodes() == 0) throw Error(edges.name + ": no edges and no nodes (an empty graph)");
  raw_labels.resize(g.nodes());
  assign_labels(g, raw_labels);
  if (!have_nodes) finish_features(g, rows, format, opt);
  g.split.assign(g.nodes(), Split::None);
  if (!split.name.empty()) read_split(g, split, opt);
  return g;
}

}  // namespace attn::graph
