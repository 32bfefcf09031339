#include "model_loading.h"

#include "common/embedded_model.h"

namespace attn::tools::image {

vision::ImageModel load_model(const std::string& path, std::span<const unsigned char> builtin) {
  return vision::load_image_model(open_model_or_builtin(path, builtin));
}

}  // namespace attn::tools::image
