#include "codec/violation.h"

#include <array>
#include <cstddef>

namespace wsprobe::codec {
namespace {

// Indexed by Rule; the static_assert below keeps the two in step.
// id, section, level, close code, another fitting code, rejection, summary.
constexpr std::array rules = {
    RuleInfo{"frame.reserved-bits", "RFC 6455 5.2", Level::must, 1002, 0, Level::must, "reserved bits set without a negotiated extension"},
    RuleInfo{"frame.reserved-opcode", "RFC 6455 5.2", Level::must, 1002, 0, Level::must, "reserved opcode"},
    RuleInfo{"frame.control-too-long", "RFC 6455 5.5", Level::must, 1002, 0, Level::must, "control frame payload over 125 bytes"},
    RuleInfo{"frame.control-fragmented", "RFC 6455 5.5", Level::must, 1002, 0, Level::must, "control frame without FIN"},
    RuleInfo{"frame.length-top-bit", "RFC 6455 5.2", Level::must, 1002, 1009, Level::must, "64-bit payload length with the most significant bit set"},
    RuleInfo{"frame.length-not-minimal", "RFC 6455 5.2", Level::must, 1002, 0, Level::may, "payload length not in its minimal encoding"},
    RuleInfo{"frame.client-unmasked", "RFC 6455 5.1", Level::must, 1002, 0, Level::must, "client frame not masked"},
    RuleInfo{"frame.server-masked", "RFC 6455 5.1", Level::must, 1002, 0, Level::must, "server frame masked"},
    RuleInfo{"message.orphan-continuation", "RFC 6455 5.4", Level::must, 1002, 0, Level::must, "continuation frame with no message started"},
    RuleInfo{"message.interleaved", "RFC 6455 5.4", Level::must, 1002, 0, Level::must, "new data frame inside a fragmented message"},
    RuleInfo{"message.too-big", "RFC 6455 10.4", Level::must, 1009, 0, Level::may, "message larger than the limit"},
    RuleInfo{"message.invalid-utf8", "RFC 6455 8.1", Level::must, 1007, 0, Level::must, "text message is not valid UTF-8"},
    RuleInfo{"message.after-close", "RFC 6455 5.5.1", Level::must, 1002, 0, Level::must, "data frame sent after a Close frame"},
    RuleInfo{"close.one-byte-payload", "RFC 6455 5.5.1", Level::must, 1002, 0, Level::must, "close payload of one byte"},
    RuleInfo{"close.invalid-code", "RFC 6455 7.4", Level::must, 1002, 0, Level::must, "close code not allowed on the wire"},
    RuleInfo{"close.reason-invalid-utf8", "RFC 6455 5.5.1", Level::must, 1007, 0, Level::must, "close reason is not valid UTF-8"},
    RuleInfo{"http.head-too-large", "RFC 9110 5.4", Level::must, 0, 0, Level::must, "message head larger than the limit"},
    RuleInfo{"http.too-many-fields", "RFC 9110 5.4", Level::must, 0, 0, Level::must, "more header field lines than the limit"},
    RuleInfo{"http.bad-line-ending", "RFC 9112 2.2", Level::must, 0, 0, Level::must, "line not ended by CRLF, or a bare CR"},
    RuleInfo{"http.malformed-request-line", "RFC 9112 3", Level::must, 0, 0, Level::must, "malformed request line"},
    RuleInfo{"http.malformed-status-line", "RFC 9112 4", Level::must, 0, 0, Level::must, "malformed status line"},
    RuleInfo{"http.obsolete-line-folding", "RFC 9112 5.2", Level::must, 0, 0, Level::must, "header line starts with whitespace (obsolete line folding)"},
    RuleInfo{"http.malformed-header", "RFC 9112 5.1", Level::must, 0, 0, Level::must, "malformed header field line"},
    RuleInfo{"extensions.malformed", "RFC 6455 9.1", Level::must, 0, 0, Level::must, "Sec-WebSocket-Extensions does not parse"},
    RuleInfo{"extensions.not-offered", "RFC 6455 4.1", Level::must, 0, 0, Level::must, "response names an extension the client did not offer"},
    RuleInfo{"deflate.unknown-parameter", "RFC 7692 7", Level::must, 0, 0, Level::must, "unknown permessage-deflate parameter"},
    RuleInfo{"deflate.duplicate-parameter", "RFC 7692 7", Level::must, 0, 0, Level::must, "permessage-deflate parameter given twice"},
    RuleInfo{"deflate.invalid-value", "RFC 7692 7.1", Level::must, 0, 0, Level::must, "invalid permessage-deflate parameter value"},
    RuleInfo{"deflate.client-window-not-offered", "RFC 7692 7.1.2.2", Level::must, 0, 0, Level::must, "client_max_window_bits in the response but not in the offer"},
    RuleInfo{"deflate.server-window-too-large", "RFC 7692 7.1.2.1", Level::must, 0, 0, Level::must, "server window larger than the offered server_max_window_bits"},
    RuleInfo{"deflate.more-than-one", "RFC 7692 5", Level::must, 0, 0, Level::must, "more than one permessage-deflate element in the response"},
    RuleInfo{"deflate.rsv1-on-continuation", "RFC 7692 6.1", Level::must, 1002, 0, Level::must, "RSV1 (compressed) set on a continuation frame, not the message's first"},
    RuleInfo{"deflate.rsv1-on-control", "RFC 7692 6.1", Level::must, 1002, 0, Level::must, "RSV1 (compressed) set on a control frame"},
    RuleInfo{"deflate.corrupt-data", "RFC 7692 7.2.2", Level::must, 1007, 1002, Level::must, "compressed message does not inflate"},
    RuleInfo{"handshake.status", "RFC 6455 4.1", Level::must, 0, 0, Level::must, "status is not 101 Switching Protocols"},
    RuleInfo{"handshake.upgrade", "RFC 6455 4.1", Level::must, 0, 0, Level::must, "Upgrade is not websocket"},
    RuleInfo{"handshake.connection", "RFC 6455 4.1", Level::must, 0, 0, Level::must, "Connection does not contain the token Upgrade"},
    RuleInfo{"handshake.accept", "RFC 6455 4.1", Level::must, 0, 0, Level::must, "Sec-WebSocket-Accept missing or wrong"},
    RuleInfo{"handshake.subprotocol", "RFC 6455 4.1", Level::must, 0, 0, Level::must, "Sec-WebSocket-Protocol is not one offered subprotocol"},
    RuleInfo{"handshake.extensions", "RFC 6455 4.1", Level::must, 0, 0, Level::must, "Sec-WebSocket-Extensions unparsable, not offered or invalid"},
    RuleInfo{"handshake.http-version", "RFC 6455 4.2.2", Level::must, 0, 0, Level::must, "101 response not in HTTP/1.1: HTTP/1.0 has no 1xx status"},
    RuleInfo{"handshake.no-body-fields", "RFC 9110 8.6", Level::must, 0, 0, Level::must, "Content-Length or Transfer-Encoding in a 101 response (RFC 9110 8.6, RFC 9112 6.1)"},
    RuleInfo{"handshake.refusal", "RFC 6455 4.2.1", Level::must, 0, 0, Level::must, "a request that breaks a rule on purpose is not refused with an error status"},
    RuleInfo{"handshake.version-list", "RFC 6455 4.4", Level::must, 0, 0, Level::must, "a refused version without Sec-WebSocket-Version listing the versions spoken"},
    RuleInfo{"pong.missing", "RFC 6455 5.5.2", Level::must, 0, 0, Level::must, "no Pong in response to a Ping"},
    RuleInfo{"pong.payload", "RFC 6455 5.5.3", Level::must, 0, 0, Level::must, "Pong does not echo the Ping's application data"},
    RuleInfo{"reaction.valid-frames-refused", "RFC 6455 5.4", Level::must, 0, 0, Level::must, "valid frames failed as a protocol error"},
    RuleInfo{"reaction.close-before-failing", "RFC 6455 7.1.7", Level::should, 0, 0, Level::should, "connection failed without a Close frame first"},
    RuleInfo{"reaction.close-code", "RFC 6455 7.1.7", Level::should, 0, 0, Level::should, "Close code does not fit the rule broken"},
    RuleInfo{"close.tcp-left-open", "RFC 6455 5.5.1", Level::must, 0, 0, Level::must, "TCP not closed by the server after the closing handshake"},
    RuleInfo{"check.echo", "RFC 6455 5.4", Level::must, 0, 0, Level::must, "messages not echoed as sent, to an echo server"},
    RuleInfo{"check.fail-fast", "RFC 6455 8.1", Level::may, 0, 0, Level::may, "invalid text failed only once the whole message was in"},
    RuleInfo{"deflate.tail-kept", "RFC 7692 7.2.1", Level::must, 0, 0, Level::may, "compressed message keeps the 00 00 ff ff tail"},
    RuleInfo{"sse.event-too-big", "HTML 9.2.6", Level::must, 0, 0, Level::must, "event larger than the limit"},
    RuleInfo{"sse.status", "HTML 9.2.2", Level::must, 0, 0, Level::must, "an event stream not answered with 200"},
    RuleInfo{"sse.content-type", "HTML 9.2.2", Level::must, 0, 0, Level::must, "an event stream not typed text/event-stream"},
    RuleInfo{"sse.cache-control", "HTML 9.2.2", Level::should, 0, 0, Level::should, "an event stream that caches may keep"},
    RuleInfo{"sse.first-event", "HTML 9.2.7", Level::should, 0, 0, Level::should, "no event within the stated time"},
    RuleInfo{"sse.unbuffered", "HTML 9.2.7", Level::should, 0, 0, Level::should, "events held back and delivered in bursts"},
    RuleInfo{"sse.resume", "HTML 9.2.4", Level::should, 0, 0, Level::should, "a reconnection with Last-Event-ID not resumed after it"},
    RuleInfo{"sse.retry", "HTML 9.2.6", Level::should, 0, 0, Level::should, "a retry field that clients ignore"},
    RuleInfo{"sse.keep-alive", "HTML 9.2.7", Level::should, 0, 0, Level::should, "a silence longer than the stated keep-alive interval"},
};
static_assert(rules.size() == rule_count);

}  // namespace

const RuleInfo& rule_info(Rule rule) { return rules.at(static_cast<std::size_t>(rule)); }

std::string_view level_name(Level level) {
  switch (level) {
    case Level::must: return "MUST";
    case Level::should: return "SHOULD";
    case Level::may: return "MAY";
  }
  return "";
}

std::string Violation::describe() const {
  const RuleInfo& info = rule_info(rule);
  std::string text;
  text.append(info.section).append(": ").append(info.summary);
  if (!detail.empty()) text.append(" (").append(detail).append(")");
  return text;
}

}  // namespace wsprobe::codec
