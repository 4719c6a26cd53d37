#pragma once
// Close frame payloads (RFC 6455 5.5.1) and close codes (7.4).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codec/bytes.h"
#include "codec/violation.h"

namespace wsprobe::codec {

// Codes an endpoint reports but never sends (7.4.1).
inline constexpr std::uint16_t close_no_status_received = 1005;
inline constexpr std::uint16_t close_abnormal = 1006;

struct CloseFrame {
  std::optional<std::uint16_t> code;  // empty payload: no code (reported as 1005)
  std::string reason;                 // valid UTF-8, at most 123 bytes

  bool operator==(const CloseFrame&) const = default;
};

// Whether `code` may appear in a Close frame: 1000-1003, 1007-1014, 3000-4999.
bool is_valid_close_code(std::uint16_t code);

// The registered name ("Normal Closure"), the range for unregistered codes
// ("private use"), or "invalid".
std::string_view close_code_name(std::uint16_t code);

// Parses and validates a received Close payload: empty, or a code allowed on the
// wire followed by a UTF-8 reason.
Result<CloseFrame> parse_close_payload(ByteView payload);

// The payload for a Close frame: the code big-endian, then the reason. It does not
// validate, so that deliberately invalid frames can be built too.
Bytes build_close_payload(std::uint16_t code, std::string_view reason = {});

}  // namespace wsprobe::codec
