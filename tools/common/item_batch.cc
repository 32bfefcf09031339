#include "common/item_batch.h"

#include "attn/data/input.h"

namespace attn::tools {

void each_input_path(const std::vector<std::string>& inputs, const Shard& shard, BatchErrors& errors,
                     const std::function<void(const std::string& path)>& use, const std::function<void()>& idle) {
  data::InputPaths paths(inputs.empty() ? std::vector<std::string>{"-"} : inputs);
  std::string path;
  for (int64_t item = 0; paths.next(path); ++item) {
    if (!shard.mine(item)) continue;
    errors.run(path, [&] { use(path); });
    if (paths.would_block()) idle();
  }
}

}  // namespace attn::tools
