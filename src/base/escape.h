#pragma once
// Everything a peer sent is untrusted: before it reaches a terminal or a JSON
// document, control characters, invalid UTF-8 and characters that reorder text are
// escaped, so a hostile server cannot move the cursor, retitle the window or hide
// text.
#include <string>
#include <string_view>

namespace wsprobe {

// Printable ASCII and valid UTF-8 as they are; a backslash as "\\"; C0 controls,
// DEL and invalid bytes as "\xNN"; C1 controls and bidirectional overrides as "\uNNNN".
std::string escape_for_terminal(std::string_view bytes);
// The same, appended to `out`: for records printed by the million, without a string each.
void append_escaped_for_terminal(std::string& out, std::string_view bytes);

// The same, but backslashes stay as they are: for text that may already hold escaped
// peer bytes, such as an error line, which must reach the terminal as one plain line.
std::string made_safe_for_terminal(std::string_view text);

// A JSON string literal, quotes included. Valid UTF-8 is kept; controls are "\u00NN"
// (or \n \t ...); each invalid byte becomes U+FFFD, as JSON text must be UTF-8.
std::string json_string(std::string_view bytes);
void append_json_string(std::string& out, std::string_view bytes);

}  // namespace wsprobe
