#pragma once
// JSON fields that several commands print, written once so that a concept has one
// name everywhere: a connection's close, what the handshake negotiated, header lists.
#include "codec/engine.h"
#include "codec/handshake_check.h"
#include "codec/http.h"
#include "output/json.h"

namespace wsprobe::output {

// "server" (its Close came first), "wsprobe" (ours did) or "nobody" (TCP ended or
// was dropped without a closing handshake): the words check's report uses too.
std::string_view closed_by_name(const codec::CloseRecord& close);

// The close record of connect and heartbeat, as fields of an open object.
void close_fields(JsonWriter& json, const codec::CloseRecord& close);

// "subprotocol" and "extensions" ([{name, params}]), as fields of an open object.
void negotiated_fields(JsonWriter& json, const codec::Negotiated& negotiated);

// "headers": [{name, value}], secrets redacted unless show_secrets.
void headers_field(JsonWriter& json, const codec::HeaderFields& fields, bool show_secrets);

}  // namespace wsprobe::output
