#include "base/escape.h"

#include <cstdint>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Printable ASCII other than `special` and `other` (DEL, never shown as it is, stands
// for no special byte).
constexpr char no_special = 0x7f;
bool is_plain_ascii(char c, char special, char other) { return c >= 0x20 && c < 0x7f && c != special && c != other; }

// How many bytes from `at` are shown as they are: plain ASCII, and valid characters that
// do not reorder text. Most of most texts is one such run, copied in one append; the
// ASCII is checked 16 bytes at a time (SSE2 is part of every x86-64 CPU).
std::size_t shown_as_is(std::string_view bytes, std::size_t at, char special, char other) {
  const std::size_t start = at;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
  const __m128i first = _mm_set1_epi8(special), second = _mm_set1_epi8(other);
#endif
  for (;;) {
#if defined(__SSE2__)
    for (; at + 16 <= bytes.size(); at += 16) {
      const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data() + at));
      // Signed: bytes from 0x80 up are below the space too.
      const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(chunk, space), _mm_cmpeq_epi8(chunk, del)),
                                        _mm_or_si128(_mm_cmpeq_epi8(chunk, first), _mm_cmpeq_epi8(chunk, second)));
      if (_mm_movemask_epi8(stop) != 0) break;
    }
#endif
    while (at < bytes.size() && is_plain_ascii(bytes[at], special, other)) ++at;
    if (at == bytes.size() || static_cast<unsigned char>(bytes[at]) < 0x80) return at - start;
    const std::optional<CodePoint> code_point = decode_at(bytes, at);
    if (!code_point || is_unsafe_code_point(code_point->value)) return at - start;
    at += code_point->length;
  }
}

// The escape for what stops a run at `at`, for a terminal; returns its length in bytes.
std::size_t append_terminal_escape(std::string& out, std::string_view bytes, std::size_t at) {
  const auto byte = static_cast<unsigned char>(bytes[at]);
  if (byte == '\\') {
    out += "\\\\";
    return 1;
  }
  if (const std::optional<CodePoint> code_point = byte >= 0x80 ? decode_at(bytes, at) : std::nullopt) {
    out += "\\u";  // valid, but it would reorder or hide text
    append_hex(out, code_point->value, 4);
    return code_point->length;
  }
  out += "\\x";
  append_hex(out, byte, 2);
  return 1;
}

void append_escaped(std::string& out, std::string_view bytes, bool backslashes) {
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t run = shown_as_is(bytes, at, backslashes ? '\\' : no_special, no_special);
    out.append(bytes.substr(at, run));
    at += run;
    if (at < bytes.size()) at += append_terminal_escape(out, bytes, at);
  }
}

// The escape for what stops a run at `at`, in JSON; returns its length in bytes.
std::size_t append_json_escape(std::string& out, std::string_view bytes, std::size_t at) {
  const auto byte = static_cast<unsigned char>(bytes[at]);
  if (byte >= 0x80) {
    if (const std::optional<CodePoint> code_point = decode_at(bytes, at)) {
      out += "\\u";  // valid, but it would reorder or hide text
      append_hex(out, code_point->value, 4);
      return code_point->length;
    }
    out += "\xef\xbf\xbd";  // U+FFFD
    return 1;
  }
  switch (byte) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      out += "\\u";
      append_hex(out, byte, 4);
  }
  return 1;
}

// What the short way below looks up for each byte, so that its loop has no branch: a
// byte that takes the general path, and one that gets a backslash before it.
struct ShortAsciiTables {
  std::uint8_t general[256] = {};
  std::uint8_t backslashed[256] = {};
  constexpr ShortAsciiTables() {
    for (int byte = 0; byte < 256; ++byte) general[byte] = byte < 0x20 || byte >= 0x7f;
    backslashed[static_cast<int>('"')] = backslashed[static_cast<int>('\\')] = 1;
  }
};
constexpr ShortAsciiTables short_ascii;

// A short string of printable ASCII, as most JSON strings written are (event types,
// ids, small payloads), quoted and escaped in a local buffer and appended in one go.
// False, with nothing written, when it is longer or holds a byte that takes the general
// path. (Text for a terminal has no such way: its runs rarely break, so the run search
// of append_escaped copies them whole.)
bool append_short_json_string(std::string& out, std::string_view bytes) {
  constexpr std::size_t short_string = 256;
  if (bytes.size() > short_string) return false;
  char escaped[2 * short_string + 2];  // each byte at most two characters: \" or \\ .
  char* end = escaped;
  *end++ = '"';
  std::uint8_t general = 0;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    general |= short_ascii.general[byte];
    *end = '\\';
    end += short_ascii.backslashed[byte];
    *end++ = c;
  }
  if (general != 0) return false;
  *end++ = '"';
  out.append(escaped, end);
  return true;
}

}  // namespace

std::string escape_for_terminal(std::string_view bytes) {
  std::string out;
  append_escaped_for_terminal(out, bytes);
  return out;
}

void append_escaped_for_terminal(std::string& out, std::string_view bytes) { append_escaped(out, bytes, true); }

std::string made_safe_for_terminal(std::string_view text) {
  std::string out;
  append_escaped(out, text, false);
  return out;
}

std::string json_string(std::string_view bytes) {
  std::string out;
  append_json_string(out, bytes);
  return out;
}

void append_json_string(std::string& out, std::string_view bytes) {
  if (append_short_json_string(out, bytes)) return;
  out += '"';
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t run = shown_as_is(bytes, at, '"', '\\');
    out.append(bytes.substr(at, run));
    at += run;
    if (at < bytes.size()) at += append_json_escape(out, bytes, at);
  }
  out += '"';
}

}  // namespace wsprobe
