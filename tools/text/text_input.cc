#include "text_input.h"

#include "common/cli.h"

namespace attn::tools::text {

void add_text_input_flags(CLI::App& cmd, DataOptions& options) {
  using attn::text::LineFormat;
  cmd.add_flag("--docs", options.docs, "Inputs are whole files (emails, articles): a folder per label or a path<TAB>label list");
  add_enum_option(cmd, "--input-format", options.line_format.format,
                  {{"auto", LineFormat::kAuto}, {"fasttext", LineFormat::kFastText}, {"tsv", LineFormat::kTsv}},
                  "Line format (auto: from the first line)");
  cmd.add_option("--label-prefix", options.line_format.label_prefix, "fastText label prefix")->capture_default_str();
}

}  // namespace attn::tools::text
