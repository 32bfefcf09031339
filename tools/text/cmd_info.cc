// attn-text info: the generic one (common/model_info.h), plus the vocabulary size.
#include "commands.h"
#include "common/model_info.h"
#include "attn/text/model_file.h"

namespace attn::tools::text {

Command add_info_command(CLI::App& app, CommonOptions& common, std::span<const unsigned char> builtin) {
  return tools::add_info_command(app, common, builtin, kModelHelp,
                                 [](const SafeTensorsFile& file) {
                                   const auto model = attn::text::load_text_model(file);
                                   ModelSummary s{model.labels, model.classifier->parameter_count()};
                                   s.extra["vocabulary"] = model.classifier->tokenizer().vocab_size();
                                   return s;
                                 });
}

}  // namespace attn::tools::text
