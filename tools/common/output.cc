#include "common/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>

#include <fmt/format.h>

#include "attn/error.h"
#include "attn/train/metrics.h"

namespace attn::tools {
namespace {

[[noreturn]] void throw_output_error(std::string_view name, int err) {
  throw OutputError(fmt::format("writing to {}: {}", name, std::strerror(err)), err == EPIPE);
}

double round6(double p) { return std::round(p * 1e6) / 1e6; }

}  // namespace

void write_bytes(std::FILE* out, std::string_view bytes, std::string_view name) {
  if (bytes.empty()) return;
  errno = 0;
  if (std::fwrite(bytes.data(), 1, bytes.size(), out) != bytes.size())
    throw_output_error(name, errno != 0 ? errno : EIO);
}

void flush_output(std::FILE* out, std::string_view name) {
  errno = 0;
  if (std::fflush(out) != 0 || std::ferror(out)) throw_output_error(name, errno != 0 ? errno : EIO);
}

// ---- prediction lines -------------------------------------------------------------------

std::vector<LabelProb> top_k(std::span<const float> probs, const std::vector<std::string>& labels,
                             int k) {
  if (labels.size() != probs.size())
    throw std::invalid_argument(
        fmt::format("top_k: {} labels for {} probabilities", labels.size(), probs.size()));
  const size_t n = std::clamp<size_t>(static_cast<size_t>(std::max(k, 1)), 1, probs.size());
  std::vector<size_t> order(probs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::partial_sort(order.begin(), order.begin() + n, order.end(), [&](size_t a, size_t b) {
    return probs[a] > probs[b] || (probs[a] == probs[b] && a < b);
  });
  std::vector<LabelProb> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back({labels[order[i]], probs[order[i]]});
  return out;
}

std::string tsv_escape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (const char c : field) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
  return out;
}

std::string tsv_line(const Prediction& p) {
  std::string line = tsv_escape(p.id);
  for (const LabelProb& lp : p.labels)
    line += fmt::format("\t{}\t{:.6f}", tsv_escape(lp.label), lp.prob);
  line += '\n';
  return line;
}

std::string jsonl_line(const Prediction& p) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["id"] = p.id;
  nlohmann::ordered_json labels = nlohmann::ordered_json::array();
  for (const LabelProb& lp : p.labels) labels.push_back({{"label", lp.label}, {"prob", round6(lp.prob)}});
  j["labels"] = std::move(labels);
  for (const auto& [key, value] : p.extra.items()) j[key] = value;
  std::string line = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  line += '\n';
  return line;
}

PredictionWriter::PredictionWriter(PredictFormat format, std::FILE* out, std::string name)
    : format_(format), out_(out), name_(std::move(name)) {}

void PredictionWriter::write(const Prediction& p) {
  write_bytes(out_, format_ == PredictFormat::Tsv ? tsv_line(p) : jsonl_line(p), name_);
  flush_output(out_, name_);
  ++lines_;
}

// ---- reports ----------------------------------------------------------------------------

void write_json_line(const nlohmann::json& value, std::FILE* out, std::string_view name) {
  write_bytes(out, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", name);
  flush_output(out, name);
}

void write_json_line(const nlohmann::ordered_json& value, std::FILE* out, std::string_view name) {
  write_bytes(out, value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n",
              name);
  flush_output(out, name);
}

void write_metrics(ReportFormat format, const ConfusionMatrix& confusion,
                   const std::vector<std::string>& label_names, std::FILE* out) {
  if (format == ReportFormat::Json) {
    write_json_line(metrics_json(confusion, label_names), out);
  } else {
    write_bytes(out, metrics_text(confusion, label_names));
    flush_output(out);
  }
}

// ---- whole output files -----------------------------------------------------------------

namespace {

[[noreturn]] void throw_file_error(std::string_view path, std::string_view what, int err) {
  throw Error(fmt::format("{}: {}: {}", path, what, std::strerror(err)));
}

// The file rename() must replace for `path`: a symlink's target (resolved even when dangling).
std::string resolve_target(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_symlink(path, ec)) return path;
  const fs::path resolved = fs::canonical(path, ec);
  if (!ec) return resolved.string();
  const fs::path link = fs::read_symlink(path, ec);
  if (ec) return path;
  return link.is_absolute() ? link.string() : (fs::path(path).parent_path() / link).string();
}

void fsync_directory_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::filesystem::path dir = parent.empty() ? std::filesystem::path(".") : parent;
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);  // best effort: makes the rename itself durable
    ::close(fd);
  }
}

}  // namespace

AtomicOutputFile::AtomicOutputFile(std::string path) : path_(std::move(path)) {
  if (path_.empty()) throw Error("output path is empty");
  if (path_ == "-") {
    file_ = stdout;
    return;
  }
  target_ = resolve_target(path_);
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw Error(fmt::format("{}: is a directory", path_));
    // A device or FIFO cannot be replaced by rename: write into it.
    file_ = std::fopen(target_.c_str(), "wb");
    if (!file_) throw_file_error(path_, "cannot open for writing", errno);
    owns_file_ = true;
    return;
  }
  // O_EXCL with a fresh name; mode 0666 so the umask applies as for any new file.
  for (int attempt = 0; attempt < 100 && !file_; ++attempt) {
    temp_ = fmt::format("{}.tmp.{}.{}", target_, ::getpid(), attempt);
    const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      const int err = errno;
      temp_.clear();
      throw_file_error(path_, "cannot create a temporary file beside it", err);
    }
    file_ = ::fdopen(fd, "wb");
    if (!file_) {
      const int err = errno;
      ::close(fd);
      ::unlink(temp_.c_str());
      temp_.clear();
      throw_file_error(path_, "cannot open for writing", err);
    }
  }
  if (!file_) throw Error(fmt::format("{}: cannot create a temporary file beside it", path_));
  owns_file_ = true;
}

AtomicOutputFile::~AtomicOutputFile() {
  if (owns_file_ && file_) std::fclose(file_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void AtomicOutputFile::write(std::string_view bytes) {
  if (file_ == stdout) {
    write_bytes(stdout, bytes);
    return;
  }
  errno = 0;
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    throw_file_error(path_, "write failed", errno != 0 ? errno : EIO);
}

void AtomicOutputFile::commit() {
  if (committed_) return;
  if (file_ == stdout) {
    flush_output(stdout);
    committed_ = true;
    return;
  }
  errno = 0;
  if (std::fflush(file_) != 0 || std::ferror(file_))
    throw_file_error(path_, "write failed", errno != 0 ? errno : EIO);
  if (!temp_.empty() && ::fsync(::fileno(file_)) != 0) throw_file_error(path_, "fsync failed", errno);
  const int close_result = std::fclose(file_);
  file_ = nullptr;
  if (close_result != 0) throw_file_error(path_, "write failed", errno);
  if (!temp_.empty()) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) throw_file_error(path_, "cannot replace", errno);
    temp_.clear();
    fsync_directory_of(target_);
  }
  committed_ = true;
}

void write_file_atomically(const std::string& path, std::string_view contents) {
  AtomicOutputFile file(path);
  file.write(contents);
  file.commit();
}

}  // namespace attn::tools
