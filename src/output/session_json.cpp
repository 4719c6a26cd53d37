#include "output/session_json.h"

#include "output/style.h"
#include "output/verdict_text.h"
#include "session/live_session.h"

namespace wsprobe::output {

std::string_view closed_by_name(const codec::CloseRecord& close) {
  if (close.received && close.peer_first) return "server";
  if (close.sent) return "wsprobe";
  return "nobody";
}

void close_fields(JsonWriter& json, const codec::CloseRecord& close) {
  json.field("received", close.received.has_value());
  json.field("code", close.received && close.received->code ? std::optional<int>(*close.received->code) : std::nullopt);
  json.field("reason", close.received ? std::optional<std::string>(close.received->reason) : std::nullopt);
  json.field("sent_code", close.sent_code ? std::optional<int>(*close.sent_code) : std::nullopt);
  json.field("closed_by", closed_by_name(close)).field("handshake_completed", close.handshake_completed());
  json.field("close_ms", close.received_after_ms);
  json.field("tcp", session::tcp_end_name(close.tcp)).field("tcp_ms", close.tcp_end_after_ms);
  json.field("event_code", int{close.event_code()}).field("was_clean", close.was_clean());
  json.field("dropped", close.dropped).key("violation");
  write_violation(json, close.violation);
}

void negotiated_fields(JsonWriter& json, const codec::Negotiated& negotiated) {
  json.field("subprotocol", negotiated.subprotocol).key("extensions").begin_array();
  for (const auto& extension : negotiated.extensions) {
    json.begin_object().field("name", extension.name).key("params").begin_object();
    for (const auto& param : extension.params) json.field(param.name, param.value);
    json.end_object().end_object();
  }
  json.end_array();
}

void headers_field(JsonWriter& json, const codec::HeaderFields& fields, bool show_secrets) {
  json.key("headers").begin_array();
  for (const auto& field : fields) {
    json.begin_object().field("name", field.name);
    json.field("value", shown_header_value(field.name, field.value, show_secrets)).end_object();
  }
  json.end_array();
}

}  // namespace wsprobe::output
