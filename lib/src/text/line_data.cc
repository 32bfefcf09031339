#include <fmt/format.h>

#include "attn/error.h"
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

std::string where_line(std::string_view name, int64_t line) { return fmt::format("{}:{}", name, line); }

}  // namespace

LineReader::LineReader(std::istream& in, std::string name, std::size_t max_bytes)
    : in_(in), name_(std::move(name)), max_bytes_(max_bytes) {}

bool LineReader::next(std::string& line) {
  line.clear();
  char buf[1 << 16];
  bool got_any = false;
  while (true) {
    in_.getline(buf, sizeof buf);
    const auto got = static_cast<std::size_t>(in_.gcount());
    if (in_.bad()) throw Error(fmt::format("{}: read error", name_));
    if (got == 0 && !got_any && in_.eof()) return false;
    got_any = true;
    if (in_.eof()) {  // last line without a newline
      line.append(buf, got);
      break;
    }
    if (in_.fail()) {  // the buffer filled up before the newline: keep reading the same line
      line.append(buf, got);
      in_.clear();
      if (line.size() > max_bytes_ + 1)  // +1: a trailing '\r' does not count
        throw Error(fmt::format("{}: line longer than {} bytes", where_line(name_, line_number_ + 1), max_bytes_));
      continue;
    }
    line.append(buf, got - 1);  // the newline was extracted and counted but not stored
    break;
  }
  ++line_number_;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line_number_ == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
  if (line.size() > max_bytes_)
    throw Error(fmt::format("{}: line longer than {} bytes", where_line(name_, line_number_), max_bytes_));
  return true;
}

LineSource LineReader::source() {
  return [this](std::string& line) { return next(line); };
}

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

std::vector<TextExample> read_labeled_lines(const LineSource& source, std::string_view name,
                                            const LineFormatOptions& options) {
  std::vector<TextExample> out;
  LineFormat format = options.format;
  std::string line;
  int64_t number = 0;
  while (source(line)) {
    ++number;
    if (trim(line).empty()) continue;
    const std::string where = where_line(name, number);
    if (format == LineFormat::kAuto) format = detect_line_format(line, options, where);
    TextExample ex = parse_line(line, format, options, where);
    ex.line = number;
    out.push_back(std::move(ex));
  }
  if (out.empty()) throw Error(fmt::format("{}: no examples", name));
  return out;
}

std::vector<TextExample> read_labeled_lines(std::istream& in, std::string_view name,
                                            const LineFormatOptions& options, std::size_t max_line_bytes) {
  LineReader reader(in, std::string(name), max_line_bytes);
  return read_labeled_lines(reader.source(), name, options);
}

}  // namespace attn::text
