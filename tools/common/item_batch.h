#pragma once
// How predict-style commands feed a model: items gathered into batches for one forward pass
// each, flushed when full, when stdin has nothing more ready (so results stream into a pipe
// as they come) and at the end; and the walk over input paths that --shard and --keep-going
// apply to.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/batch_errors.h"
#include "common/predict_kit.h"

namespace attn::tools {

// Items per forward pass of a predict command.
inline constexpr int kPredictBatchSize = 64;

template <class Item>
class ItemBatch {
 public:
  // run gets the batch's ids and items, in the order they were added.
  using Run = std::function<void(std::vector<std::string>& ids, std::vector<Item>& items)>;
  ItemBatch(int size, Run run) : size_(size), run_(std::move(run)) {}

  void add(std::string id, Item item) {
    ids_.push_back(std::move(id));
    items_.push_back(std::move(item));
    if (static_cast<int>(ids_.size()) >= size_) flush();
  }
  void flush() {
    if (ids_.empty()) return;
    run_(ids_, items_);
    ids_.clear();
    items_.clear();
  }

 private:
  int size_;
  Run run_;
  std::vector<std::string> ids_;
  std::vector<Item> items_;
};

// Every path of `inputs` (none or "-": paths on stdin, one per line) that is the shard's, in
// input order, to `use`, each under `errors` with the path as its name. Other shards' paths
// are not read. `idle` runs whenever stdin has no next path ready.
void each_input_path(const std::vector<std::string>& inputs, const Shard& shard, BatchErrors& errors,
                     const std::function<void(const std::string& path)>& use, const std::function<void()>& idle);

// each_input_path into `batch`: each path's item is load(path); the batch runs whenever stdin
// has no next path ready and at the end.
template <class Item>
void batch_input_paths(ItemBatch<Item>& batch, const std::vector<std::string>& inputs, const Shard& shard,
                       BatchErrors& errors, const std::function<Item(const std::string& path)>& load) {
  each_input_path(inputs, shard, errors, [&](const std::string& path) { batch.add(path, load(path)); },
                  [&] { batch.flush(); });
  batch.flush();
}

// Every path of `inputs` that is the shard's, loaded by load(path) (a path that fails is an
// `errors` item) and predicted in batches of `size` by predict(items), one result per item; each
// result goes to emit(path, item, result), in input order.
template <class Item, class Result>
void predict_input_paths(const std::vector<std::string>& inputs, const Shard& shard, BatchErrors& errors, int size,
                         const std::function<Item(const std::string& path)>& load,
                         const std::function<std::vector<Result>(const std::vector<Item>& items)>& predict,
                         const std::function<void(const std::string& path, const Item& item, const Result& r)>& emit) {
  ItemBatch<Item> batch(size, [&](std::vector<std::string>& paths, std::vector<Item>& items) {
    const std::vector<Result> results = predict(items);
    for (size_t b = 0; b < items.size(); ++b) emit(paths[b], items[b], results[b]);
  });
  batch_input_paths<Item>(batch, inputs, shard, errors, load);
}

// Every line of `inputs` (none or "-": stdin) that is the shard's (lines counted over all
// inputs, in order) to `use` with its id: the line number for one input, "file:line" for
// several. A file that cannot be opened, and a bad line (a NUL byte, over-long), is an `errors`
// item; a bad line counts as the item of the shard it falls in and is reported there only.
// `idle` runs whenever stdin has no next line ready, and at the end of each input.
void each_input_line(const std::vector<std::string>& inputs, const Shard& shard, BatchErrors& errors,
                     const std::function<void(const std::string& id, const std::string& line)>& use,
                     const std::function<void()>& idle);
// each_input_line into `batch`, the line's id with it; the batch runs whenever stdin has no next
// line ready, at the end of each input and at the end.
void batch_input_lines(ItemBatch<std::string>& batch, const std::vector<std::string>& inputs, const Shard& shard,
                       BatchErrors& errors);

}  // namespace attn::tools
