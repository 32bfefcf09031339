#include "attn/text/labelled_texts.h"

#include "attn/data/input.h"
#include "attn/data/labelled_files.h"
#include "attn/text/email.h"

namespace attn::text {

std::string document_text(const std::string& bytes, const DocumentOptions& options) {
  if (!looks_like_email(bytes)) return bytes;
  EmailOptions email;
  email.include_from = options.email_from;
  email.include_content_type = options.email_content_type;
  return email_to_text(bytes, email);
}

namespace {

std::vector<TextItem> read_documents(const std::string& path, const DocumentOptions& options,
                                     const BadItemHandler& on_bad_item) {
  const auto entries = data::read_labelled_files(path);
  std::vector<TextItem> items;
  items.reserve(entries.size());
  for (const auto& entry : entries) {
    const std::string name = entry.path.string();
    data::run_item(name, on_bad_item, [&] {
      items.push_back({name, document_text(data::read_text_file(name, data::kMaxDocumentBytes), options), {entry.label}});
    });
  }
  return items;
}

std::vector<TextItem> read_lines(const std::string& path, const LineFormatOptions& format,
                                 const BadItemHandler& on_bad_item) {
  data::LineReader reader(path);
  BadLineHandler on_bad_line;
  if (on_bad_item) on_bad_line = [&](const Error& e) { on_bad_item("", e); };
  const auto examples = read_labelled_lines(reader, format, on_bad_line);
  std::vector<TextItem> items;
  items.reserve(examples.size());
  for (const auto& e : examples) items.push_back({reader.name() + ":" + std::to_string(e.line), e.text, e.labels});
  return items;
}

}  // namespace

std::vector<TextItem> read_labelled_texts(const std::string& path, const TextDataOptions& options,
                                          const BadItemHandler& on_bad_item) {
  auto items = options.docs ? read_documents(path, options.documents, on_bad_item)
                            : read_lines(path, options.line_format, on_bad_item);
  if (items.empty()) throw Error(path + ": no examples");
  return items;
}

}  // namespace attn::text
