#pragma once
// Labelled images from a folder per label, a path<TAB>label list or an IDX pair, and single
// image files, as a ViT reads them. Bad files go to on_bad_item (data::run_item).
#include <string>
#include <vector>

#include "attn/data/labelled_files.h"
#include "attn/vision/image.h"
#include "attn/vision/resize.h"
#include "attn/vision/vit_train.h"

namespace attn::vision {

// Where labelled images come from: --data FOLDER|LIST, or --idx IMAGES LABELS.
struct ImageSource {
  std::string data;
  std::vector<std::string> idx;
  std::vector<std::string> idx_names;  // IDX label v is called idx_names[v] (empty: "v")
  std::string name() const { return idx.empty() ? data : idx.front(); }
  bool empty() const { return data.empty() && idx.empty(); }
};

struct ImageModel;

// What the training images look like, for the defaults train derives (read from the headers
// only, or from the IDX header).
struct ImageSummary {
  int count = 0;
  int median_side = 0;  // of the shorter sides
  bool colour = false;  // any image in colour (files stored as RGB are looked at: grey is grey)
  std::vector<std::string> labels;  // distinct, sorted (IDX: in label-number order)
  std::vector<data::LabelledFile> files;  // folder or list: the readable ones
};

ImageSummary summarize(const ImageSource& source, const data::BadItemHandler& on_bad_item = {});

// Every image decoded, converted to `channels` and fitted to size x size; labels mapped by
// `labels` (an unknown label is a bad item). With `summary`,
// its readable files are read (so a bad file is reported once).
ImageSet load_set(const ImageSource& source, const std::vector<std::string>& labels, int size,
                  int channels, Fit fit, const data::BadItemHandler& on_bad_item = {},
                  const ImageSummary* summary = nullptr);

// attn::Error "<source>: no readable images" when count is 0.
void check_readable(int count, const ImageSource& source);

// The labelled images of `source` as `model` reads them: fitted to its input, labels mapped to
// its own (IDX label numbers by the model's names when those are not numbers: a model trained
// with names for them has them in number order); attn::Error when none is readable.
ImageSet load_set_for(const ImageModel& model, ImageSource source, const data::BadItemHandler& on_bad_item = {});

// One image file as the model reads it (bounded read, decode, fit).
Image load_image_file(const std::string& path, int size, int channels, Fit fit);

}  // namespace attn::vision
