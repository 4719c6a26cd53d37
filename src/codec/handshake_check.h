#pragma once
// The client's checks of the server's handshake response (RFC 6455 4.1), each
// evaluated on its own so that a report shows every failure, not just the first,
// and what the handshake agreed on.
#include <optional>
#include <string>
#include <vector>

#include "codec/extensions.h"
#include "codec/http.h"
#include "codec/verdict.h"

namespace wsprobe::codec {

// One check of the response: its observed value is the header as the server sent it
// (absent when it was).
using HandshakeCheck = Verdict;

// What the server agreed to; meaningful when every check passed.
struct Negotiated {
  std::optional<std::string> subprotocol;
  std::vector<Extension> extensions;  // in the server's order, which is processing order
  std::optional<DeflateAgreement> deflate;
};

struct HandshakeReport {
  // For an upgrade: handshake_status, handshake_http_version, handshake_body_fields,
  // handshake_upgrade, handshake_connection, handshake_accept, handshake_subprotocol,
  // handshake_extensions. For a request that breaks a rule on purpose: handshake_refusal,
  // and for an unknown version handshake_version_list.
  std::vector<HandshakeCheck> checks;
  Negotiated negotiated;
  // What the request breaks on purpose, so that a refusal is the right answer: "an
  // unknown version", "a malformed key", ...; empty for a valid request.
  std::string refusal_due;

  // No check failed; with `strict`, none missed a SHOULD either.
  bool ok(bool strict = false) const;
  // The server upgraded the connection and every check passed: frames may follow.
  bool upgraded() const;
};

// `request` is the head as sent, the user's header changes included: the key, the
// version, the method, the subprotocols and the extensions it offered are read from
// it. An offer that does not parse offers nothing, so a server that accepts from it
// fails the check. A request that breaks a rule on purpose (an unknown version, a
// missing or malformed key, a method other than GET) expects a refusal (4.2.1, 4.2.2).
HandshakeReport check_response(const ResponseHead& response, const RequestHead& request);

}  // namespace wsprobe::codec
