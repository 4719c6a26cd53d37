#pragma once
// The pieces of HTTP syntax (RFC 9110 5.6) that the head parser, the handshake and
// the extension parser share: tokens, optional whitespace, comma lists and ASCII
// case-insensitive comparison.
#include <string>
#include <string_view>
#include <vector>

namespace wsprobe::codec {

// tchar: letters, digits and ! # $ % & ' * + - . ^ _ ` | ~
bool is_tchar(char c);
// One or more tchar.
bool is_token(std::string_view text);

// OWS is spaces and horizontal tabs.
constexpr bool is_ows(char c) { return c == ' ' || c == '\t'; }

// VCHAR or obs-text (RFC 9110 5.5): any byte but controls and space.
constexpr bool is_visible_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte > 0x20 && byte != 0x7f;
}

// What a field value, a reason phrase or a quoted string may hold: visible bytes and OWS.
constexpr bool is_text_byte(char c) { return is_visible_byte(c) || is_ows(c); }
std::string_view trim_ows(std::string_view text);

// ASCII case-insensitive equality, as header names and most header tokens compare.
bool iequals(std::string_view a, std::string_view b);

// The elements of a comma-separated list of plain values (RFC 9110 5.6.1), trimmed
// of OWS, with empty elements dropped. Values may not contain quoted strings.
std::vector<std::string_view> split_list(std::string_view list);

// "0x0d": a byte named in a violation's detail without copying peer bytes into it.
std::string byte_name(char c);

}  // namespace wsprobe::codec
