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

// Every line of `inputs` (none or "-": stdin) that is the shard's (lines counted over all
// inputs, in order) to `use` with its id: the line number for one input, "file:line" for
// several. A file that cannot be opened, and a bad line (a NUL byte, over-long), is an `errors`
// item; a bad line counts as the item of the shard it falls in and is reported there only.
// `idle` runs whenever stdin has no next line ready, and at the end of each input.
void each_input_line(const std::vector<std::string>& inputs, const Shard& shard, BatchErrors& errors,
                     const std::function<void(const std::string& id, const std::string& line)>& use,
                     const std::function<void()>& idle);

}  // namespace attn::tools
