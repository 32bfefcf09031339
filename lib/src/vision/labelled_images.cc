#include "attn/vision/labelled_images.h"

#include <algorithm>
#include <set>

#include "attn/error.h"
#include "attn/vision/idx.h"
#include "attn/vision/model_file.h"
#include "attn/data/input.h"
#include "attn/data/labelled_files.h"
#include "attn/data/labels.h"

namespace attn::vision {
namespace {

constexpr size_t kMaxImageFileBytes = size_t{64} << 20;

std::vector<uint8_t> read_bytes(const std::string& path) {
  const std::string s = data::read_file(path, kMaxImageFileBytes);
  return {s.begin(), s.end()};
}

struct IdxPair {
  IdxImages images;
  std::vector<uint8_t> labels;
};

IdxPair read_idx_pair(const ImageSource& s) {
  IdxPair p{read_idx_images(s.idx[0]), read_idx_labels(s.idx[1])};
  if (static_cast<size_t>(p.images.count) != p.labels.size())
    throw Error(s.idx[0] + " holds " + std::to_string(p.images.count) + " images but " + s.idx[1] +
                " holds " + std::to_string(p.labels.size()) + " labels");
  return p;
}

std::string idx_label(const ImageSource& s, int v) {
  if (s.idx_names.empty()) return std::to_string(v);
  if (v >= static_cast<int>(s.idx_names.size()))
    throw Error(s.idx[1] + ": label number " + std::to_string(v) + " has no name (" +
                std::to_string(s.idx_names.size()) + " names given)");
  return s.idx_names[v];
}

// Whether any pixel's channels differ (a grey picture saved as RGB is grey).
bool is_colour(const Image& img) {
  for (size_t i = 0; i + 2 < img.pixels.size(); i += 3)
    if (img.pixels[i] != img.pixels[i + 1] || img.pixels[i + 1] != img.pixels[i + 2]) return true;
  return false;
}

}  // namespace

ImageSummary summarize(const ImageSource& source, const data::BadItemHandler& on_bad_item) {
  ImageSummary s;
  std::set<std::string> labels;
  if (!source.idx.empty()) {
    const IdxPair p = read_idx_pair(source);
    s.count = p.images.count;
    s.median_side = std::min(p.images.rows, p.images.cols);
    std::set<int> ids(p.labels.begin(), p.labels.end());
    for (int id : ids) s.labels.push_back(idx_label(source, id));
    return s;
  }
  std::vector<int> sides;
  for (const auto& entry : data::read_labelled_files(source.data)) {
    data::run_item(entry.path.string(), on_bad_item, [&] {
      const auto bytes = read_bytes(entry.path.string());
      const ImageHeader h = probe_image(bytes);
      if (h.channels >= 3 && !s.colour) s.colour = is_colour(decode_image(bytes, 3));
      sides.push_back(std::min(h.width, h.height));
      labels.insert(entry.label);
      s.files.push_back(entry);
    });
  }
  s.count = static_cast<int>(sides.size());
  if (!sides.empty()) {
    std::nth_element(sides.begin(), sides.begin() + sides.size() / 2, sides.end());
    s.median_side = sides[sides.size() / 2];
  }
  s.labels.assign(labels.begin(), labels.end());
  return s;
}

ImageSet load_set(const ImageSource& source, const std::vector<std::string>& labels, int size,
                  int channels, Fit fit, const data::BadItemHandler& on_bad_item,
                  const ImageSummary* summary) {
  const data::LabelIndex index(labels);
  auto label_id = [&](const std::string& label) { return index.id(label, ""); };
  ImageSet set;
  set.size = size;
  set.channels = channels;
  if (!source.idx.empty()) {
    const IdxPair p = read_idx_pair(source);
    const size_t n = size_t(p.images.rows) * p.images.cols;
    for (int i = 0; i < p.images.count; ++i) {
      data::run_item(source.idx[1] + ": item " + std::to_string(i), on_bad_item, [&] {
        const int id = label_id(idx_label(source, p.labels[i]));
        Image img(p.images.cols, p.images.rows, 1);
        std::copy_n(p.images.pixels.begin() + i * n, n, img.pixels.begin());
        if (channels == 3) {  // grey to RGB: each value three times
          Image rgb(img.width, img.height, 3);
          for (size_t k = 0; k < n; ++k) std::fill_n(rgb.pixels.begin() + 3 * k, 3, img.pixels[k]);
          img = std::move(rgb);
        }
        set.add(fit_image(img, size, fit), id);
      });
    }
    return set;
  }
  for (const auto& entry : summary ? summary->files : data::read_labelled_files(source.data))
    data::run_item(entry.path.string(), on_bad_item, [&] {
      const int id = label_id(entry.label);
      set.add(load_image_file(entry.path.string(), size, channels, fit), id);
    });
  return set;
}

Image load_image_file(const std::string& path, int size, int channels, Fit fit) {
  return load_model_input(read_bytes(path), size, channels, fit);
}

void check_readable(int count, const ImageSource& source) {
  if (count == 0) throw Error(source.name() + ": no readable images");
}

ImageSet load_set_for(const ImageModel& model, ImageSource source, const data::BadItemHandler& on_bad_item) {
  const std::vector<std::string>& labels = model.labels;
  const bool numbers = std::all_of(labels.begin(), labels.end(), [](const std::string& l) {
    return !l.empty() && std::all_of(l.begin(), l.end(), [](char c) { return c >= '0' && c <= '9'; });
  });
  if (!numbers) source.idx_names = labels;
  const ViTConfig& c = model.vit->config();
  ImageSet set = load_set(source, labels, c.image_size, c.channels, model.input.fit, on_bad_item);
  check_readable(set.count(), source);
  return set;
}

}  // namespace attn::vision
