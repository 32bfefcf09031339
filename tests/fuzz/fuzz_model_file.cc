// Model files: the safetensors reader (header, dtypes, shapes, byte ranges, metadata) and the
// text model loader on top of it, fed arbitrary bytes as if they were a file on disk.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attn/checkpoint.h"
#include "attn/text/model_file.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using attn::fuzz::reject_cleanly;
  using attn::fuzz::require;
  reject_cleanly([&] {
    const attn::SafeTensorsFile file = attn::SafeTensorsFile::from_memory(data, size, "fuzz.safetensors");
    for (const auto& [key, value] : file.metadata()) require(file.metadata_value(key) == value);
    for (const std::string& name : file.names()) {
      const attn::SafeTensorsFile::RawTensor raw = file.raw(name);
      // A validated tensor lies inside the file.
      require(raw.bytes >= data && raw.bytes + raw.size <= data + size);
      int64_t elements = 1;
      for (int64_t d : file.shape(name)) elements *= d;
      require(raw.size == static_cast<size_t>(elements) * attn::dtype_size(raw.dtype));
      if (attn::dtype_is_float(raw.dtype)) reject_cleanly([&] { (void)file.tensor(name); });
    }
    const attn::text::TextModel model = attn::text::load_text_model(file);
    require(model.classifier != nullptr && !model.labels.empty());
  });
  return 0;
}
