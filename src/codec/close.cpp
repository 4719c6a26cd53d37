#include "codec/close.h"

#include <string>

#include "codec/frame.h"
#include "codec/utf8.h"

namespace wsprobe::codec {

bool is_valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

std::string_view close_code_name(std::uint16_t code) {
  switch (code) {
    case 1000: return "Normal Closure";
    case 1001: return "Going Away";
    case 1002: return "Protocol Error";
    case 1003: return "Unsupported Data";
    case 1005: return "No Status Received";
    case 1006: return "Abnormal Closure";
    case 1007: return "Invalid Frame Payload Data";
    case 1008: return "Policy Violation";
    case 1009: return "Message Too Big";
    case 1010: return "Mandatory Extension";
    case 1011: return "Internal Error";
    case 1012: return "Service Restart";
    case 1013: return "Try Again Later";
    case 1014: return "Bad Gateway";
    case 1015: return "TLS Handshake";
    default: break;
  }
  if (code >= 1000 && code <= 2999) return "reserved";
  if (code >= 3000 && code <= 3999) return "registered for libraries and applications";
  if (code >= 4000 && code <= 4999) return "private use";
  return "invalid";
}

Result<CloseFrame> parse_close_payload(ByteView payload) {
  if (payload.size() > max_control_payload) {
    return Violation{Rule::control_frame_too_long, "close payload of " + std::to_string(payload.size()) + " bytes"};
  }
  if (payload.empty()) return CloseFrame{};
  if (payload.size() == 1) return Violation{Rule::close_payload_one_byte, ""};

  const auto code = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
  if (!is_valid_close_code(code)) return Violation{Rule::close_code_invalid, "code " + std::to_string(code)};

  const ByteView reason = payload.subspan(2);
  Utf8Validator validator;
  if (!validator.feed(reason)) {
    return Violation{Rule::close_reason_not_utf8,
                     "invalid byte at offset " + std::to_string(validator.error_offset()) + " of the reason"};
  }
  if (!validator.complete()) return Violation{Rule::close_reason_not_utf8, "reason ends inside a UTF-8 sequence"};
  return CloseFrame{code, std::string(as_chars(reason))};
}

Bytes build_close_payload(std::uint16_t code, std::string_view reason) {
  Bytes payload;
  payload.reserve(2 + reason.size());
  payload.push_back(static_cast<std::uint8_t>(code >> 8));
  payload.push_back(static_cast<std::uint8_t>(code));
  payload.insert(payload.end(), reason.begin(), reason.end());
  return payload;
}

}  // namespace wsprobe::codec
