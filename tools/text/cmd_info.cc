// attn-text info: the generic one (common/model_info.h), plus the vocabulary size.
#include "commands.h"
#include "common/model_info.h"
#include "attn/text/model_file.h"

namespace attn::tools::text {

Command add_info_command(CLI::App& app, CommonOptions& common, std::span<const unsigned char> builtin) {
  const auto vocabulary = [](const attn::text::TextModel& m, ModelSummary& s) {
    s.extra["vocabulary"] = m.classifier->tokenizer().vocab_size();
  };
  return tools::add_info_command(app, common, builtin, kModelHelp,
                                 summarize(attn::text::load_text_model, &attn::text::TextModel::classifier, vocabulary));
}

}  // namespace attn::tools::text
