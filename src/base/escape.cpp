#include "base/escape.h"

#include <cstdint>
#include <optional>


namespace wsprobe {
namespace {

struct CodePoint {
  std::uint32_t value;
  std::size_t length;  // bytes
};

// The code point at `at`, or nullopt when no valid UTF-8 sequence starts there
// (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
std::optional<CodePoint> decode_at(std::string_view bytes, std::size_t at) {
  const auto lead = static_cast<unsigned char>(bytes[at]);
  if (lead < 0xc2 || lead > 0xf4) return std::nullopt;  // continuation, overlong lead or beyond U+10FFFF
  const std::size_t length = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
  if (at + length > bytes.size()) return std::nullopt;
  static constexpr unsigned lead_bits[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
  std::uint32_t value = lead & lead_bits[length];
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(bytes[at + i]);
    if ((next & 0xc0) != 0x80) return std::nullopt;
    value = value << 6 | (next & 0x3f);
  }
  static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < smallest[length] || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return std::nullopt;
  return CodePoint{value, length};
}

// Code points that change how the text around them is shown: C1 controls, the line and
// paragraph separators (a line break to some terminals and viewers), and the
// bidirectional embeddings, overrides and isolates ("Trojan Source").
bool is_unsafe_code_point(std::uint32_t value) {
  return (value >= 0x80 && value <= 0x9f) || (value >= 0x2028 && value <= 0x202e) ||
         (value >= 0x2066 && value <= 0x2069);
}

void append_hex(std::string& out, std::uint32_t value, int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += hex[(value >> shift) & 0xf];
}

std::string escape(std::string_view bytes, bool backslashes) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t at = 0; at < bytes.size();) {
    const auto byte = static_cast<unsigned char>(bytes[at]);
    if (byte >= 0x20 && byte < 0x7f) {
      if (byte == '\\' && backslashes) out += '\\';
      out += static_cast<char>(byte);
      ++at;
      continue;
    }
    const std::optional<CodePoint> code_point = byte >= 0x80 ? decode_at(bytes, at) : std::nullopt;
    if (!code_point) {
      out += "\\x";
      append_hex(out, byte, 2);
      ++at;
    } else if (is_unsafe_code_point(code_point->value)) {
      out += "\\u";
      append_hex(out, code_point->value, 4);
      at += code_point->length;
    } else {
      out.append(bytes.substr(at, code_point->length));
      at += code_point->length;
    }
  }
  return out;
}

}  // namespace

std::string escape_for_terminal(std::string_view bytes) { return escape(bytes, true); }

std::string made_safe_for_terminal(std::string_view text) { return escape(text, false); }

std::string json_string(std::string_view bytes) {
  std::string out = "\"";
  out.reserve(bytes.size() + 2);
  for (std::size_t at = 0; at < bytes.size();) {
    const auto byte = static_cast<unsigned char>(bytes[at]);
    if (byte >= 0x80) {
      if (const std::optional<CodePoint> code_point = decode_at(bytes, at)) {
        if (is_unsafe_code_point(code_point->value)) {
          out += "\\u";
          append_hex(out, code_point->value, 4);
        } else {
          out.append(bytes.substr(at, code_point->length));
        }
        at += code_point->length;
      } else {
        out += "\xef\xbf\xbd";  // U+FFFD
        ++at;
      }
      continue;
    }
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          out += "\\u";
          append_hex(out, byte, 4);
        } else {
          out += static_cast<char>(byte);
        }
    }
    ++at;
  }
  out += '"';
  return out;
}

}  // namespace wsprobe
