#pragma once
// Test helpers: hex byte literals, and every way to split an input into chunks, so
// that each parser test also proves the parser is indifferent to how reads fall.
#include <cctype>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "codec/bytes.h"

namespace wsprobe::test {

using codec::Bytes;
using codec::ByteView;

// "81 05 48 65" -> bytes; spaces and line breaks are ignored.
inline Bytes from_hex(std::string_view hex) {
  Bytes out;
  int high = -1;
  for (char c : hex) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                            : -1;
    if (digit < 0) throw std::invalid_argument("from_hex: not a hex digit");
    if (high < 0) {
      high = digit;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | digit));
      high = -1;
    }
  }
  if (high >= 0) throw std::invalid_argument("from_hex: odd number of digits");
  return out;
}

inline std::string to_hex(ByteView bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i) out += ' ';
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xf];
  }
  return out;
}

inline Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

inline Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// Inputs up to this size are split at every position and also fed byte by byte.
inline constexpr std::size_t exhaustive_split_limit = 4096;

// The input whole, split in two at every position, and byte by byte. Each chunking
// is a list of owned chunks, because parsers may unmask or rewrite them in place.
// A larger input (a 64 KiB frame) is split at every position of its first and last
// 64 bytes, where headers and boundaries sit, and at every 509th byte in between:
// all positions would cost time quadratic in its size.
inline std::vector<std::vector<Bytes>> chunkings(ByteView input) {
  std::vector<std::vector<Bytes>> all;
  all.push_back({Bytes(input.begin(), input.end())});
  const bool exhaustive = input.size() <= exhaustive_split_limit;
  for (std::size_t at = 1; at < input.size(); ++at) {
    const bool near_an_end = at <= 64 || at >= input.size() - 64;
    if (!exhaustive && !near_an_end && at % 509 != 0) continue;
    all.push_back({Bytes(input.begin(), input.begin() + at), Bytes(input.begin() + at, input.end())});
  }
  if (input.size() > 2 && exhaustive) {
    std::vector<Bytes> single;
    for (std::uint8_t byte : input) single.push_back(Bytes{byte});
    all.push_back(std::move(single));
  }
  return all;
}

// Names a chunking in failure messages: "split 3+4".
inline std::string describe_chunking(const std::vector<Bytes>& chunks) {
  std::string out = "split ";
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i) out += '+';
    out += std::to_string(chunks[i].size());
  }
  return out;
}

}  // namespace wsprobe::test
