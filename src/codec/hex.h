#pragma once
// Hex bytes as users type them: "48 65 6c", "48656c", "0x48,0x65"; spaces, commas and
// 0x prefixes are ignored.
#include <optional>
#include <string_view>

#include "codec/bytes.h"

namespace wsprobe::codec {

// nullopt unless every other character is a hex digit and they pair up.
std::optional<codec::Bytes> parse_hex(std::string_view text);

}  // namespace wsprobe::codec
