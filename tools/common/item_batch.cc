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

void each_input_line(const std::vector<std::string>& inputs, const Shard& shard, BatchErrors& errors,
                     const std::function<void(const std::string& id, const std::string& line)>& use,
                     const std::function<void()>& idle) {
  const auto paths = inputs.empty() ? std::vector<std::string>{"-"} : inputs;
  int64_t item = 0;  // over all inputs, for --shard
  for (const std::string& path : paths) {
    errors.run(path, [&] {
      data::InputFile file(path);
      data::LineReader reader(file.get(), file.name());
      std::string line;
      for (;; ++item) {
        bool got = false, others = false;
        const bool ok = errors.run(reader.name(), [&] {
          try {
            got = reader.next(line);
          } catch (const Error&) {
            if (shard.mine(item)) throw;
            others = true;
          }
        });
        if (others) continue;
        if (ok && !got) break;
        if (!ok || !shard.mine(item)) continue;
        use(paths.size() == 1 ? std::to_string(reader.line_number()) : reader.where(), line);
        if (reader.would_block()) idle();
      }
      idle();
    });
  }
}

void batch_input_lines(ItemBatch<std::string>& batch, const std::vector<std::string>& inputs, const Shard& shard,
                       BatchErrors& errors) {
  each_input_line(inputs, shard, errors, [&](const std::string& id, const std::string& line) { batch.add(id, line); },
                  [&] { batch.flush(); });
  batch.flush();
}

}  // namespace attn::tools
