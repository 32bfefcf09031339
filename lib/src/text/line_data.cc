#include <fmt/format.h>

#include "attn/error.h"
#include "attn/data/labelled_files.h"
#include "attn/text/readers.h"

namespace attn::text {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view first_token(std::string_view s) {
  std::size_t end = 0;
  while (end < s.size() && !is_space(s[end])) ++end;
  return s.substr(0, end);
}


}  // namespace

LineFormat detect_line_format(std::string_view first_line, const LineFormatOptions& options,
                              std::string_view where) {
  const std::string_view line = trim(first_line);
  if (!options.label_prefix.empty() && line.starts_with(options.label_prefix)) return LineFormat::kFastText;
  if (first_line.find('\t') != std::string_view::npos) return LineFormat::kTsv;
  if (!options.require_labels) return LineFormat::kPlain;
  throw Error(fmt::format(
      "{}: cannot tell the format: expected fastText lines (`{}spam some text`, labels first) "
      "or `label<TAB>text`",
      where, options.label_prefix));
}

TextExample parse_line(std::string_view line, LineFormat format, const LineFormatOptions& options,
                       std::string_view where) {
  TextExample ex;
  std::string_view text;
  switch (format) {
    case LineFormat::kFastText: {
      const std::string_view prefix = options.label_prefix;
      if (prefix.empty()) throw std::invalid_argument("parse_line: empty label prefix");
      text = trim(line);
      while (!text.empty() && text.starts_with(prefix)) {
        const std::string_view token = first_token(text);
        if (token.size() == prefix.size())
          throw Error(fmt::format("{}: empty label \"{}\" (expected `{}<name>`)", where, token, prefix));
        ex.labels.emplace_back(token.substr(prefix.size()));
        data::check_label(ex.labels.back(), where);
        text = trim(text.substr(token.size()));
      }
      if (ex.labels.empty() && options.require_labels)
        throw Error(fmt::format("{}: line has no label (expected `{}<name> text`)", where, prefix));
      break;
    }
    case LineFormat::kTsv: {
      const std::size_t tab = line.find('\t');
      if (tab == std::string_view::npos) {
        if (options.require_labels)
          throw Error(fmt::format("{}: no TAB in the line (expected `label<TAB>text`)", where));
        text = trim(line);
        break;
      }
      const std::string_view label = trim(line.substr(0, tab));
      if (label.empty()) throw Error(fmt::format("{}: empty label before the TAB (expected `label<TAB>text`)", where));
      data::check_label(label, where);
      ex.labels.emplace_back(label);
      text = trim(line.substr(tab + 1));
      break;
    }
    case LineFormat::kPlain:
      text = trim(line);
      break;
    case LineFormat::kAuto:
      throw std::invalid_argument("parse_line: the format must be known (detect it first)");
  }
  if (text.empty()) {
    if (!ex.labels.empty()) throw Error(fmt::format("{}: line has a label but no text", where));
    throw Error(fmt::format("{}: empty line", where));  // callers skip blank lines; kept for safety
  }
  ex.text = std::string(text);
  return ex;
}

std::vector<TextExample> read_labelled_lines(data::LineReader& reader, const LineFormatOptions& options,
                                             const BadLineHandler& on_bad_line) {
  if (options.format == LineFormat::kFastText && options.label_prefix.empty())
    throw Error(fmt::format("{}: the fastText format needs a non-empty label prefix", reader.name()));
  std::vector<TextExample> out;
  LineFormat format = options.format;
  std::string line;
  for (;;) {
    try {
      if (!reader.next(line)) break;
      if (trim(line).empty()) continue;
      const std::string where = reader.where();
      if (format == LineFormat::kAuto) format = detect_line_format(line, options, where);
      TextExample ex = parse_line(line, format, options, where);
      ex.line = reader.line_number();
      out.push_back(std::move(ex));
    } catch (const Error& e) {
      if (!on_bad_line) throw;
      on_bad_line(e);
    }
  }
  if (out.empty()) throw Error(fmt::format("{}: no examples", reader.name()));
  return out;
}

}  // namespace attn::text
