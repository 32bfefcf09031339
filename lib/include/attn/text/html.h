#pragma once
#include <string>
#include <string_view>

namespace attn::text {

// Visible text of an HTML document or fragment: tags removed (block-level tags such as p, br,
// div, td, li become line breaks, inline tags such as b, font, span vanish without a space so a
// word split by markup stays whole), comments, <script> and <style> contents dropped, character
// references decoded (&#65; &#x41; and the common named ones: &amp; &nbsp; &copy; &eacute; ...;
// unknown ones are kept literally). White space is collapsed. Never throws.
std::string html_to_text(std::string_view html);

// Squeezes white space: a run containing a line break becomes "\n", any other run " ";
// leading and trailing white space is removed.
std::string collapse_whitespace(std::string_view s);

}  // namespace attn::text
