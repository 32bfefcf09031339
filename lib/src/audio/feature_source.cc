#include "attn/audio/feature_source.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "attn/data/replay_stream.h"
#include "attn/error.h"

namespace attn::audio {

FeatureSource::FeatureSource(std::vector<std::string> inputs, std::vector<std::string> lists,
                             const PipelineOptions& p)
    : pipeline_(p) {
  std::vector<std::string> recordings;
  for (std::string& in : inputs) {
    if (in == "-" && !stdin_) {  // look at stdin's first line: an archive, or a list?
      std::string head = data::read_head(stdin, 4096);
      const bool archive = looks_like_kaldi_archive(head);
      stdin_ = data::replay_stream(std::move(head), stdin);
      if (archive) {
        archives_.push_back("-");
        continue;
      }
    }
    if (in.rfind("ark:", 0) == 0) {
      archives_.push_back(in.substr(4));
    } else {
      recordings.push_back(std::move(in));
    }
  }
  if (recordings.empty() && lists.empty() && archives_.empty()) recordings.push_back("-");
  const bool any_recordings = !recordings.empty() || !lists.empty();
  audio_.emplace(std::move(recordings), std::move(lists), stdin_);
  if (any_recordings) speakers_ = speaker_statistics(*audio_, p);
}

FeatureSource::~FeatureSource() {
  if (archive_file_ && archive_file_ != stdin && archive_file_ != stdin_) std::fclose(archive_file_);
  if (stdin_) std::fclose(stdin_);
}

bool FeatureSource::next(FeatureItem& item) {
  Utterance u;
  if (audio_ && audio_->next(u)) {
    item.utt = u.entry.utt;
    item.where = u.where;
    pending_path_ = u.entry.path;
    pending_utt_ = u.entry.utt;
    from_archive_ = false;
    return true;
  }
  audio_.reset();
  for (;;) {
    if (archive_) {
      if (archive_->next(item.utt)) {
        item.where = fmt::format("{}:{}", archives_[next_archive_ - 1] == "-" ? "stdin" : archives_[next_archive_ - 1], item.utt);
        from_archive_ = true;
        return true;
      }
      archive_.reset();
      if (archive_file_ != stdin && archive_file_ != stdin_) std::fclose(archive_file_);
      archive_file_ = nullptr;
    }
    if (next_archive_ >= archives_.size()) return false;
    const std::string& path = archives_[next_archive_++];
    archive_file_ = path != "-" ? std::fopen(path.c_str(), "rb") : stdin_ ? stdin_ : stdin;
    if (!archive_file_) throw Error(fmt::format("{}: {}", path, std::strerror(errno)));
    archive_.emplace(archive_file_, path == "-" ? "stdin" : path);
  }
}

void FeatureSource::check_dim(int dim) const {
  if (dim != pipeline_.dim())
    throw Error(fmt::format("features have {} columns; the model reads {} ({})", dim, pipeline_.dim(),
                            feature_kind_name(pipeline_.features.kind)));
}

void FeatureSource::load(FeatureItem& item) {
  if (!from_archive_) {
    item.feats = compute_file_features(pending_path_, pipeline_);
    if (speakers_) speakers_->apply(pending_utt_, item.feats);
    return;
  }
  std::vector<float> rows;
  stream([&](const float* r, int64_t n) { rows.insert(rows.end(), r, r + n * pipeline_.dim()); });
  item.feats = Tensor({int64_t(rows.size()) / pipeline_.dim(), int64_t(pipeline_.dim())});
  std::copy(rows.begin(), rows.end(), item.feats.data());
}

Tensor FeatureSource::load_recording(double mel_warp) const {
  PipelineOptions p = pipeline_;
  p.mel_warp = mel_warp;
  Tensor feats = compute_file_features(pending_path_, p);
  if (speakers_) speakers_->apply(pending_utt_, feats);  // with the unwarped statistics, as in training
  return feats;
}

void FeatureSource::stream(const FrameSink& sink) {
  if (!from_archive_) {
    compute_file_features(pending_path_, pipeline_, speakers_ ? speakers_->applying(pending_utt_, sink) : sink);
    return;
  }
  std::vector<float> rows;
  int64_t total = 0;
  for (int64_t n; (n = archive_->read_rows(rows, 4096)) > 0; rows.clear()) {
    check_dim(archive_->dim());  // before the first rows go anywhere
    sink(rows.data(), n);
    total += n;
  }
  if (total == 0) throw Error("no frames");
}

void FeatureSource::each(const std::function<bool(int64_t index)>& mine, const data::BadItemHandler& on_bad_item,
                         const std::function<void(FeatureItem&)>& use) {
  each_item<FeatureItem>([&](FeatureItem& item) { return next(item); }, mine, on_bad_item, use);
}

}  // namespace attn::audio
