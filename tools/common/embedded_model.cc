#include "common/embedded_model.h"

#include "common/run_guarded.h"

namespace attn::tools {

SafeTensorsFile open_model_or_builtin(const std::string& path, std::span<const unsigned char> builtin) {
  if (!path.empty()) return SafeTensorsFile::open(path);
  if (builtin.empty()) throw UsageError("no --model given, and this build has no default model");
  return SafeTensorsFile::from_memory(builtin.data(), builtin.size(), kBuiltinModelName);
}

}  // namespace attn::tools
