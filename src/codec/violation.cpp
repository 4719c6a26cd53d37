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
    RuleInfo{"message.after-close", "RFC 6455 5.5.1", 1002, "frame sent after a Close frame"},
    RuleInfo{"close.one-byte-payload", "RFC 6455 5.5.1", 1002, "close payload of one byte"},
    RuleInfo{"close.invalid-code", "RFC 6455 7.4", 1002, "close code not allowed on the wire"},
    RuleInfo{"close.reason-invalid-utf8", "RFC 6455 5.5.1", 1007, "close reason is not valid UTF-8"},
};
static_assert(rules.size() == static_cast<std::size_t>(Rule::close_reason_not_utf8) + 1);

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
