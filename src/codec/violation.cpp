#include "codec/violation.h"

#include <array>
#include <cstddef>

namespace wsprobe::codec {
namespace {

// Indexed by Rule; the static_assert below keeps the two in step.
constexpr std::array rules = {
    RuleInfo{"frame.reserved-bits", "RFC 6455 5.2", 1002, "reserved bits set without a negotiated extension"},
    RuleInfo{"frame.reserved-opcode", "RFC 6455 5.2", 1002, "reserved opcode"},
    RuleInfo{"frame.control-too-long", "RFC 6455 5.5", 1002, "control frame payload over 125 bytes"},
    RuleInfo{"frame.control-fragmented", "RFC 6455 5.5", 1002, "control frame without FIN"},
    RuleInfo{"frame.length-top-bit", "RFC 6455 5.2", 1002, "64-bit payload length with the most significant bit set"},
    RuleInfo{"frame.length-not-minimal", "RFC 6455 5.2", 1002, "payload length not in its minimal encoding"},
    RuleInfo{"frame.client-unmasked", "RFC 6455 5.1", 1002, "client frame not masked"},
    RuleInfo{"frame.server-masked", "RFC 6455 5.1", 1002, "server frame masked"},
    RuleInfo{"message.orphan-continuation", "RFC 6455 5.4", 1002, "continuation frame with no message started"},
    RuleInfo{"message.interleaved", "RFC 6455 5.4", 1002, "new data frame inside a fragmented message"},
    RuleInfo{"message.too-big", "RFC 6455 10.4", 1009, "message larger than the limit"},
    RuleInfo{"message.invalid-utf8", "RFC 6455 8.1", 1007, "text message is not valid UTF-8"},
    RuleInfo{"message.after-close", "RFC 6455 5.5.1", 1002, "data frame sent after a Close frame"},
    RuleInfo{"close.one-byte-payload", "RFC 6455 5.5.1", 1002, "close payload of one byte"},
    RuleInfo{"close.invalid-code", "RFC 6455 7.4", 1002, "close code not allowed on the wire"},
    RuleInfo{"close.reason-invalid-utf8", "RFC 6455 5.5.1", 1007, "close reason is not valid UTF-8"},
    RuleInfo{"http.head-too-large", "RFC 9110 5.4", 0, "message head larger than the limit"},
    RuleInfo{"http.too-many-fields", "RFC 9110 5.4", 0, "more header field lines than the limit"},
    RuleInfo{"http.bad-line-ending", "RFC 9112 2.2", 0, "line not ended by CRLF, or a bare CR"},
    RuleInfo{"http.malformed-request-line", "RFC 9112 3", 0, "malformed request line"},
    RuleInfo{"http.malformed-status-line", "RFC 9112 4", 0, "malformed status line"},
    RuleInfo{"http.obsolete-line-folding", "RFC 9112 5.2", 0,
             "header line starts with whitespace (obsolete line folding)"},
    RuleInfo{"http.malformed-header", "RFC 9112 5.1", 0, "malformed header field line"},
    RuleInfo{"extensions.malformed", "RFC 6455 9.1", 0, "Sec-WebSocket-Extensions does not parse"},
    RuleInfo{"extensions.not-offered", "RFC 6455 4.1", 0, "response names an extension the client did not offer"},
    RuleInfo{"deflate.unknown-parameter", "RFC 7692 7", 0, "unknown permessage-deflate parameter"},
    RuleInfo{"deflate.duplicate-parameter", "RFC 7692 7", 0, "permessage-deflate parameter given twice"},
    RuleInfo{"deflate.invalid-value", "RFC 7692 7.1", 0, "invalid permessage-deflate parameter value"},
    RuleInfo{"deflate.client-window-not-offered", "RFC 7692 7.1.2.2", 0,
             "client_max_window_bits in the response but not in the offer"},
    RuleInfo{"deflate.server-window-too-large", "RFC 7692 7.1.2.1", 0,
             "server window larger than the offered server_max_window_bits"},
    RuleInfo{"deflate.more-than-one", "RFC 7692 5", 0, "more than one permessage-deflate element in the response"},
    RuleInfo{"deflate.rsv1-on-continuation", "RFC 7692 6.1", 1002,
             "RSV1 (compressed) set on a continuation frame, not the message's first"},
    RuleInfo{"deflate.rsv1-on-control", "RFC 7692 6.1", 1002, "RSV1 (compressed) set on a control frame"},
    RuleInfo{"deflate.corrupt-data", "RFC 7692 7.2.2", 1007, "compressed message does not inflate"},
    RuleInfo{"handshake.status", "RFC 6455 4.1", 0, "status is not 101 Switching Protocols"},
    RuleInfo{"handshake.upgrade", "RFC 6455 4.1", 0, "Upgrade is not websocket"},
    RuleInfo{"handshake.connection", "RFC 6455 4.1", 0, "Connection does not contain the token Upgrade"},
    RuleInfo{"handshake.accept", "RFC 6455 4.1", 0, "Sec-WebSocket-Accept missing or wrong"},
    RuleInfo{"handshake.subprotocol", "RFC 6455 4.1", 0, "Sec-WebSocket-Protocol is not one offered subprotocol"},
    RuleInfo{"handshake.extensions", "RFC 6455 4.1", 0, "Sec-WebSocket-Extensions unparsable, not offered or invalid"},
    RuleInfo{"sse.event-too-big", "HTML 9.2.6", 0, "event larger than the limit"},
};
static_assert(rules.size() == rule_count);

}  // namespace

const RuleInfo& rule_info(Rule rule) { return rules.at(static_cast<std::size_t>(rule)); }

std::string Violation::describe() const {
  const RuleInfo& info = rule_info(rule);
  std::string text;
  text.append(info.section).append(": ").append(info.summary);
  if (!detail.empty()) text.append(" (").append(detail).append(")");
  return text;
}

}  // namespace wsprobe::codec
