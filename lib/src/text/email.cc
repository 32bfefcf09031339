#include "attn/text/email.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "attn/text/html.h"
#include "attn/text/mime.h"
#include "attn/text/utf8.h"

namespace attn::text {
namespace {

struct Field {
  std::string name;   // lower-case
  std::string value;  // unfolded, raw bytes
};
using Fields = std::vector<Field>;

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// The line starting at pos (without "\r\n"/"\n"); next is where the following line starts.
std::string_view line_at(std::string_view s, std::size_t pos, std::size_t& next) {
  const std::size_t nl = s.find('\n', pos);
  std::size_t end = nl == std::string_view::npos ? s.size() : nl;
  next = nl == std::string_view::npos ? s.size() : nl + 1;
  if (end > pos && s[end - 1] == '\r') --end;
  return s.substr(pos, end - pos);
}

// "Name: value" with a printable ASCII name (obsolete white space before the colon allowed).
bool split_field(std::string_view line, std::string_view& name, std::string_view& value) {
  std::size_t i = 0;
  while (i < line.size() && line[i] > ' ' && line[i] < 0x7F && line[i] != ':') ++i;
  if (i == 0 || i > 76) return false;
  std::size_t colon = i;
  while (colon < line.size() && (line[colon] == ' ' || line[colon] == '\t')) ++colon;
  if (colon >= line.size() || line[colon] != ':') return false;
  name = line.substr(0, i);
  value = trim(line.substr(colon + 1));
  return true;
}

// Reads the header block at the start of s. It ends at a blank line (the body follows it) or at
// the first line that is neither a field nor a continuation (the body starts there).
Fields parse_header_block(std::string_view s, std::size_t& body_start) {
  Fields fields;
  std::size_t pos = 0, next = 0;
  body_start = s.size();
  while (pos < s.size()) {
    const std::string_view line = line_at(s, pos, next);
    std::string_view name, value;
    if (line.empty()) {
      body_start = next;
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      const std::string_view more = trim(line);
      if (!more.empty()) {
        if (!fields.back().value.empty()) fields.back().value.push_back(' ');
        fields.back().value.append(more);
      }
    } else if (split_field(line, name, value)) {
      fields.push_back({lower_ascii(name), std::string(value)});
    } else {
      body_start = pos;
      break;
    }
    pos = next;
  }
  return fields;
}

const std::string* find_field(const Fields& fields, std::string_view name) {
  for (const Field& f : fields)
    if (f.name == name) return &f.value;
  return nullptr;
}

std::string field_or_empty(const Fields& fields, std::string_view name) {
  const std::string* v = find_field(fields, name);
  return v ? *v : std::string();
}

std::string_view skip_mbox_line(std::string_view doc) {
  if (!doc.starts_with("From ")) return doc;
  const std::size_t nl = doc.find('\n');
  return nl == std::string_view::npos ? std::string_view() : doc.substr(nl + 1);
}

bool is_message_header(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "from", "to", "subject", "date", "received", "return-path", "message-id", "mime-version",
      "content-type", "delivered-to", "reply-to"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

bool fields_look_like_email(const Fields& fields) {
  return fields.size() >= 2 &&
         std::any_of(fields.begin(), fields.end(), [](const Field& f) { return is_message_header(f.name); });
}

struct ContentType {
  std::string type = "text/plain";  // lower-case
  std::vector<std::pair<std::string, std::string>> params;  // names lower-case
  std::string param(std::string_view name) const {
    for (const auto& [n, v] : params)
      if (n == name) return v;
    return {};
  }
};

// "text/html; charset=\"iso-8859-1\"" -> type and parameters; a missing or odd type is text/plain.
ContentType parse_content_type(std::string_view value) {
  std::vector<std::string> pieces(1);
  bool quoted = false;
  for (char c : value) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ';' && !quoted) {
      pieces.emplace_back();
    } else {
      pieces.back().push_back(c);
    }
  }
  ContentType ct;
  const std::string type = lower_ascii(trim(pieces[0]));
  if (type.find('/') != std::string::npos && type.find_first_of(" \t") == std::string::npos) ct.type = type;
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    const std::size_t eq = pieces[i].find('=');
    if (eq == std::string::npos) continue;
    ct.params.emplace_back(lower_ascii(trim(std::string_view(pieces[i]).substr(0, eq))),
                           std::string(trim(std::string_view(pieces[i]).substr(eq + 1))));
  }
  return ct;
}

// "Display Name <user@example.com>" or "user@example.com (Display Name)" -> "Display Name example.com".
std::string from_summary(std::string_view value) {
  std::string_view display, address = value;
  const std::size_t lt = value.rfind('<');
  const std::size_t paren = value.find('(');
  if (lt != std::string_view::npos) {
    display = value.substr(0, lt);
    const std::size_t gt = value.find('>', lt);
    address = value.substr(lt + 1, (gt == std::string_view::npos ? value.size() : gt) - lt - 1);
  } else if (paren != std::string_view::npos) {
    const std::size_t close = value.find(')', paren);
    display = value.substr(paren + 1, (close == std::string_view::npos ? value.size() : close) - paren - 1);
    address = value.substr(0, paren);
  }
  display = trim(display);
  while (!display.empty() && (display.front() == '"' || display.front() == '\'')) display.remove_prefix(1);
  while (!display.empty() && (display.back() == '"' || display.back() == '\'')) display.remove_suffix(1);
  const std::size_t at = address.rfind('@');
  const std::string domain = at == std::string_view::npos ? std::string() : lower_ascii(trim(address.substr(at + 1)));
  std::string out(trim(display));
  if (!out.empty() && !domain.empty()) out.push_back(' ');
  return out + domain;
}

bool is_list_mail(const Fields& fields) {
  return std::any_of(fields.begin(), fields.end(), [](const Field& f) {
    return f.name.starts_with("list-") || f.name == "mailing-list" || f.name == "x-mailing-list" ||
           f.name == "x-beenthere";
  });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower_ascii(s.substr(0, prefix.size())) == prefix;
}

// "Re: [ILUG] [x] Subject" -> "Re: Subject" (reply/forward prefixes are kept).
std::string strip_subject_tags(std::string_view s) {
  std::string out;
  while (true) {
    s = trim(s);
    bool consumed = false;
    for (std::string_view prefix : {"re:", "fwd:", "fw:", "aw:"}) {
      if (istarts_with(s, prefix)) {
        out.append(s.substr(0, prefix.size())).push_back(' ');
        s.remove_prefix(prefix.size());
        consumed = true;
        break;
      }
    }
    if (consumed) continue;
    const std::size_t close = s.starts_with('[') ? s.find(']') : std::string_view::npos;
    if (close == std::string_view::npos || close > 40) break;
    s.remove_prefix(close + 1);
  }
  return out + std::string(s);
}

// Quote marks at the start of a line ("> ", "| ", ") ", "> > ").
std::size_t quote_prefix_size(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (line[i] == '>' || line[i] == '|' || line[i] == ')' || line[i] == ' ')) ++i;
  return line.substr(0, i).find_first_of(">|)") == std::string_view::npos ? 0 : i;
}

// "--" (signature separator) or 10+ of one of - _ = *.
bool is_separator_line(std::string_view line) {
  line = trim(line);
  if (line == "--") return true;
  return line.size() >= 10 && std::string_view("-_=*").find(line[0]) != std::string_view::npos &&
         line.find_first_not_of(line[0]) == std::string_view::npos;
}

// List software stamps, recognised in any message: a mailman footer (a line of 20+ '_' then
// "<name> mailing list"), a SourceForge ad ("This sf.net email is sponsored by") or a Yahoo!
// Groups sponsor block. Both lines without quote marks.
bool is_list_stamp(std::string_view line, std::string_view next_line) {
  const std::string_view t = trim(line);
  const std::string next = lower_ascii(trim(next_line));
  if (t.size() >= 20 && t.find_first_not_of('_') == std::string_view::npos)
    return next.find("mailing list") != std::string::npos;
  if (t.size() >= 20 && t.find_first_not_of('-') == std::string_view::npos)
    return next.starts_with("this sf.net email is sponsored by");
  return lower_ascii(t).find("yahoo! groups sponsor") != std::string::npos;
}

// Removes list footers. A stamp (is_list_stamp) cuts the rest of the body, or, when quoted in a
// reply, just its own quoted lines (at most 6). For list mail (broad) the body is also cut at
// a line, among the last 1500 bytes, that is a separator followed by text mentioning the list,
// or that holds a list URL (".../listinfo/...", ".../mailman/...").
void remove_list_footers(std::string& body, bool broad) {
  constexpr std::size_t kMaxFooterBytes = 1500;
  constexpr int kMaxQuotedStampLines = 6;
  std::string out;
  out.reserve(body.size());
  std::size_t pos = 0, next = 0, after_next = 0;
  while (pos < body.size()) {
    const std::string_view line = line_at(body, pos, next);
    const std::size_t q = quote_prefix_size(line);
    const std::string_view next_line = next < body.size() ? line_at(body, next, after_next) : std::string_view();
    const std::string_view next_content = next_line.substr(std::min(quote_prefix_size(next_line), next_line.size()));
    if (is_list_stamp(line.substr(q), next_content)) {
      if (q == 0) break;
      const std::string_view prefix = line.substr(0, q);
      pos = next;
      for (int k = 1; k < kMaxQuotedStampLines && pos < body.size(); ++k) {
        const std::string_view more = line_at(body, pos, next);
        if (!more.starts_with(trim(prefix)) || trim(more.substr(trim(prefix).size())).empty()) break;
        pos = next;
      }
      continue;
    }
    if (broad && q == 0 && body.size() - pos <= kMaxFooterBytes) {
      const std::string lower = lower_ascii(line);
      if (lower.find("/listinfo") != std::string::npos || lower.find("/mailman/") != std::string::npos) break;
      if (is_separator_line(line)) {
        const std::string rest = lower_ascii(std::string_view(body).substr(next));
        bool footer = false;
        for (std::string_view key : {"mailing list", "listinfo", "unsubscribe", "list maintainer", "yahoo! groups"})
          footer = footer || rest.find(key) != std::string::npos;
        if (footer) break;
      }
    }
    out.append(body, pos, next - pos);
    pos = next;
  }
  body = std::move(out);
}

// Inline "-----BEGIN PGP SIGNATURE-----" blocks (random base64) become one marker line.
// Built into a new string, so many blocks cost one pass, not one shift of the rest each.
void replace_pgp_signatures(std::string& text) {
  constexpr std::string_view kBegin = "-----BEGIN PGP SIGNATURE-----", kEnd = "-----END PGP SIGNATURE-----";
  constexpr std::string_view kMarker = "part: application/pgp-signature";
  std::size_t begin = text.find(kBegin);
  if (begin == std::string::npos) return;
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;  // text[0, copied) is in out
  while (begin != std::string::npos) {
    const std::size_t end = text.find(kEnd, begin + kBegin.size());
    const std::size_t stop = end == std::string::npos ? text.size() : end + kEnd.size();
    out.append(text, copied, begin - copied).append(kMarker);
    copied = stop;
    begin = text.find(kBegin, stop);
  }
  out.append(text, copied, std::string::npos);
  text = std::move(out);
}

bool looks_like_html(std::string_view text) {
  const std::string head = lower_ascii(text.substr(0, 2048));
  return head.find("<html") != std::string::npos || head.find("<body") != std::string::npos;
}

// The bodies of the parts of a multipart body (preamble and epilogue dropped); empty if the
// boundary never occurs.
std::vector<std::string_view> split_multipart(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  std::vector<std::string_view> parts;
  std::size_t part_start = std::string_view::npos;  // npos: still in the preamble
  std::size_t pos = 0, next = 0;
  while (pos < body.size()) {
    const std::string_view line = line_at(body, pos, next);
    if (line.starts_with(delimiter)) {
      if (part_start != std::string_view::npos) {
        std::size_t end = pos;  // the line break before the delimiter belongs to it
        if (end > part_start && body[end - 1] == '\n') --end;
        if (end > part_start && body[end - 1] == '\r') --end;
        parts.push_back(body.substr(part_start, end - part_start));
      }
      if (line.substr(delimiter.size()).starts_with("--")) return parts;  // closing delimiter
      part_start = next;
    }
    pos = next;
  }
  if (part_start != std::string_view::npos) parts.push_back(body.substr(part_start));  // unclosed
  return parts;
}

class Walker {
 public:
  explicit Walker(const EmailOptions& options) : options_(options) {}

  void part(const Fields& fields, std::string_view body, int depth, std::string& out) {
    if (++parts_ > options_.max_parts) return;
    const ContentType ct = parse_content_type(field_or_empty(fields, "content-type"));
    if (ct.type.starts_with("multipart/") && depth < options_.max_depth) {
      const std::string boundary = ct.param("boundary");
      const auto pieces = boundary.empty() ? std::vector<std::string_view>{} : split_multipart(body, boundary);
      if (!pieces.empty()) {
        multipart(ct.type == "multipart/alternative", pieces, depth, out);
        return;
      }
      out.append(body);  // no usable boundary: the raw body is the best text there is
      out.push_back('\n');
      return;
    }
    if (ct.type == "message/rfc822" && depth < options_.max_depth) {
      std::size_t body_start = 0;
      const Fields inner = parse_header_block(body, body_start);
      if (const std::string* subject = find_field(inner, "subject"))
        out += "subject: " + decode_header_words(*subject) + "\n";
      part(inner, body.substr(body_start), depth + 1, out);
      return;
    }
    if (ct.type.starts_with("text/") || ct.type.starts_with("multipart/") || ct.type == "message/rfc822") {
      const std::string encoding = lower_ascii(trim(field_or_empty(fields, "content-transfer-encoding")));
      std::string raw;
      if (encoding == "quoted-printable") raw = decode_quoted_printable(body);
      else if (encoding == "base64") raw = decode_base64(body);
      else raw = std::string(body);
      std::string text = charset_to_utf8(raw, ct.param("charset"));
      replace_pgp_signatures(text);
      if (ct.type == "text/html" || looks_like_html(text)) text = html_to_text(text);
      out += text;
      out.push_back('\n');
      return;
    }
    out += "part: " + ct.type + "\n";
  }

 private:
  void multipart(bool alternative, const std::vector<std::string_view>& pieces, int depth, std::string& out) {
    std::vector<Fields> fields(pieces.size());
    std::vector<std::size_t> body_starts(pieces.size());
    for (std::size_t i = 0; i < pieces.size(); ++i) fields[i] = parse_header_block(pieces[i], body_starts[i]);
    std::size_t only = pieces.size();  // alternative: the one part to read
    if (alternative) {
      const auto type_of = [&](std::size_t i) { return parse_content_type(field_or_empty(fields[i], "content-type")).type; };
      for (std::size_t i = 0; i < pieces.size() && only == pieces.size(); ++i)
        if (type_of(i) == "text/plain") only = i;
      for (std::size_t i = 0; i < pieces.size() && only == pieces.size(); ++i)
        if (type_of(i) == "text/html") only = i;
      if (only == pieces.size()) only = pieces.size() - 1;  // the richest version comes last
    }
    for (std::size_t i = 0; i < pieces.size(); ++i)
      if (only == pieces.size() || i == only) part(fields[i], pieces[i].substr(body_starts[i]), depth + 1, out);
  }

  const EmailOptions& options_;
  std::size_t parts_ = 0;
};

}  // namespace

bool looks_like_email(std::string_view document) {
  std::size_t body_start = 0;
  return fields_look_like_email(parse_header_block(skip_mbox_line(document), body_start));
}

std::string email_to_text(std::string_view document, const EmailOptions& options) {
  const std::string_view message = skip_mbox_line(document);
  std::size_t body_start = 0;
  const Fields fields = parse_header_block(message, body_start);
  if (!fields_look_like_email(fields)) return std::string(document);

  const bool strip_list_marks = options.strip_list_marks && is_list_mail(fields);
  const ContentType ct = parse_content_type(field_or_empty(fields, "content-type"));
  const std::string charset = lower_ascii(ct.param("charset"));
  std::string subject = collapse_whitespace(decode_header_words(field_or_empty(fields, "subject"), charset));
  if (strip_list_marks) subject = strip_subject_tags(subject);
  std::string out = "subject: " + subject + "\n";
  if (options.include_from)
    out += "from: " + collapse_whitespace(from_summary(decode_header_words(field_or_empty(fields, "from"), charset))) + "\n";
  if (options.include_content_type) out += "content-type: " + ct.type + (charset.empty() ? "" : "; charset=" + charset) + "\n";
  std::string body;
  Walker(options).part(fields, message.substr(body_start), 0, body);
  if (options.strip_list_marks) remove_list_footers(body, strip_list_marks);
  out += "body:\n" + collapse_whitespace(body);
  return sanitize_utf8(out);
}

}  // namespace attn::text
