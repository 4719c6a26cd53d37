#pragma once
// The client's checks of the server's handshake response (RFC 6455 4.1), each
// evaluated on its own so that a report shows every failure, not just the first,
// and what the handshake agreed on.
#include <optional>
#include <string>
#include <vector>

#include "codec/extensions.h"
#include "codec/http.h"
#include "codec/violation.h"

namespace wsprobe::codec {

struct HandshakeCheck {
  Rule rule;  // rule_info(rule) gives the check's id and RFC section
  bool ok = false;
  std::string expected;               // what the RFC asks for: the exact value, or in words
  std::optional<std::string> actual;  // what the server sent, raw; absent when the header was
  std::string detail;                 // why it failed, when expected and actual do not say it
};

// What the server agreed to; meaningful when every check passed.
struct Negotiated {
  std::optional<std::string> subprotocol;
  std::vector<Extension> extensions;  // in the server's order, which is processing order
  std::optional<DeflateAgreement> deflate;
};

struct HandshakeReport {
  // One per rule, always in this order: handshake_status, handshake_upgrade,
  // handshake_connection, handshake_accept, handshake_subprotocol, handshake_extensions.
  std::vector<HandshakeCheck> checks;
  Negotiated negotiated;

  bool ok() const;
};

// `request` is the head as sent, the user's header changes included: the key, the
// subprotocols and the extensions it offered are read from it. An offer that does
// not parse offers nothing, so a server that accepts from it fails the check.
HandshakeReport check_response(const ResponseHead& response, const RequestHead& request);

}  // namespace wsprobe::codec
