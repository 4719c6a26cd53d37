#pragma once
// The protocol rules a peer can break, each with its id, its RFC section and the
// close code an endpoint answers with. Parsers report a Violation and never throw
// on peer input: bad input is normal input for a protocol inspector.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace wsprobe::codec {

enum class Rule : std::uint8_t {
  // Frame layer, RFC 6455 section 5.2 and 5.1.
  reserved_bits,
  reserved_opcode,
  control_frame_too_long,
  control_frame_fragmented,
  length_top_bit_set,
  length_not_minimal,
  client_frame_unmasked,
  server_frame_masked,
  // Message layer, sections 5.4, 5.5.1, 8.1 and 10.4.
  continuation_without_message,
  data_frame_inside_message,
  message_too_big,
  text_not_utf8,
  frame_after_close,
  // Close frames, sections 5.5.1 and 7.4.
  close_payload_one_byte,
  close_code_invalid,
  close_reason_not_utf8,
  // HTTP/1.1 message head of the opening handshake, RFC 9112 and RFC 9110 5.4.
  http_head_too_large,
  http_too_many_fields,
  http_bad_line_ending,
  http_malformed_request_line,
  http_malformed_status_line,
  http_obsolete_line_folding,
  http_malformed_field,
  // Sec-WebSocket-Extensions, RFC 6455 9.1 and 4.1.
  extensions_malformed,
  extension_not_offered,
  // permessage-deflate parameters in an offer or a response, RFC 7692 5 and 7.
  deflate_unknown_parameter,
  deflate_duplicate_parameter,
  deflate_invalid_value,
  deflate_client_window_not_offered,
  deflate_server_window_too_large,
  deflate_more_than_one,
  // permessage-deflate on an open connection, RFC 7692 6.1 and 7.2.2.
  deflate_rsv1_on_continuation,
  deflate_rsv1_on_control,
  deflate_corrupt_data,
  // The client's checks of the server's handshake response, RFC 6455 4.1.
  handshake_status,
  handshake_upgrade,
  handshake_connection,
  handshake_accept,
  handshake_subprotocol,
  handshake_extensions,
  // The server's handshake response beyond RFC 6455 4.1's checks, RFC 6455 4.2 and RFC 9110.
  handshake_http_version,
  handshake_body_fields,
  // A request that breaks a rule on purpose must be refused, RFC 6455 4.2.1 and 4.4.
  handshake_refusal,
  handshake_version_list,
  // Pings and pongs, RFC 6455 5.5.2 and 5.5.3.
  pong_missing,
  pong_payload,
  // How an endpoint reacts to frames, RFC 6455 5.4 and 7.1.7.
  valid_frames_refused,
  close_before_failing,
  close_code_fitting,
  tcp_left_open,
  // What `wsprobe check` asks of an echo server, and when it fails invalid text.
  echo_mismatch,
  fail_fast,
  // permessage-deflate that a receiver accepts but worth a note, RFC 7692 7.2.1.
  deflate_tail_kept,
  // Server-sent events (WHATWG HTML, interpreting an event stream).
  sse_event_too_big,
  // What `wsprobe check --sse` asks of an event-stream endpoint.
  sse_status,
  sse_content_type,
  sse_cache_control,
  sse_first_event,
  sse_unbuffered,
  sse_resume,
  sse_retry,
  sse_keep_alive,
};
inline constexpr std::size_t rule_count = static_cast<std::size_t>(Rule::sse_keep_alive) + 1;

// A requirement's level as the RFC words it (RFC 2119).
enum class Level : std::uint8_t { must, should, may };
// "MUST", "SHOULD", "MAY"
std::string_view level_name(Level level);

struct RuleInfo {
  std::string_view id;       // stable machine name, e.g. "frame.reserved-bits"
  std::string_view section;  // e.g. "RFC 6455 5.2"
  Level level;               // of the requirement on whoever breaks the rule
  // What an endpoint closes with when the peer breaks the rule. 0 for the opening
  // handshake's rules: they are broken before the connection is open, when there is
  // no Close frame to send, only an HTTP error status or a dropped TCP connection;
  // and for what an endpoint judges but never fails a connection for.
  std::uint16_t close_code;
  // Another code that fits as well (7.4.1), or 0: the allowed set is both.
  std::uint16_t other_close_code;
  // Whether the receiver must fail the connection (MUST), or may accept what the rule
  // forbids its sender (MAY: the minimal length encoding binds only the sender).
  Level rejection;
  std::string_view summary;  // one line, lower case, no trailing period

  // The codes that fit the rule, 0 left out.
  bool fits(std::uint16_t code) const { return code != 0 && (code == close_code || code == other_close_code); }
};

const RuleInfo& rule_info(Rule rule);

struct Violation {
  Rule rule;
  std::string detail;  // what was seen, e.g. "opcode 0x3"; may be empty

  // "RFC 6455 5.2: reserved opcode (opcode 0x3)"
  std::string describe() const;
};

// A value or the violation that prevented it.
template <class T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Violation violation) : state_(std::move(violation)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const T* operator->() const { return &value(); }
  const Violation& violation() const { return std::get<1>(state_); }

 private:
  std::variant<T, Violation> state_;
};

}  // namespace wsprobe::codec
