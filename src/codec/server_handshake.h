#pragma once
// The server's side of the opening handshake (RFC 6455 4.2): checks a client's
// upgrade request and writes the answer, 101 Switching Protocols or an HTTP error
// with the reason. It decides; the caller sends the bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/extensions.h"
#include "codec/http.h"
#include "codec/violation.h"

namespace wsprobe::codec {

struct ServerHandshakePolicy {
  // The subprotocols the server speaks. The client lists its offers in its order of
  // preference (4.1), so the server takes the first offer it speaks.
  std::vector<std::string> subprotocols;
  bool accept_deflate = false;  // accept the first valid permessage-deflate offer
};

struct HandshakeAnswer {
  std::uint16_t status = 0;  // 101 accepted; 400 or 426 refused
  // Why the request was refused: one line of printable ASCII, at most 200 bytes;
  // empty when accepted. A value the client sent appears only when it is short.
  std::string refusal;
  // Everything to send: the head with CRLFs, and after a refusal's head a text/plain
  // body holding the reason.
  std::string response;
  std::optional<std::string> subprotocol;   // agreed; absent when none was
  std::optional<DeflateAgreement> deflate;  // agreed permessage-deflate parameters

  bool accepted() const { return status == 101; }
};

// Checks, in this order: GET; HTTP/1.1 or later; exactly one non-empty Host; no
// body (Content-Length other than 0, or Transfer-Encoding); Upgrade naming
// websocket; Connection naming Upgrade; exactly one Sec-WebSocket-Version; a
// Sec-WebSocket-Key that is the canonical base64 of 16 bytes; Sec-WebSocket-Protocol
// a list of distinct tokens; Sec-WebSocket-Extensions well-formed (9.1). The first
// failure answers 400, except a version other than 13, which answers 426 with
// "Sec-WebSocket-Version: 13" (4.4).
HandshakeAnswer answer_handshake(const RequestHead& request, const ServerHandshakePolicy& policy);

// The 400 for a request whose head did not parse, say why.
HandshakeAnswer answer_malformed_head(const Violation& violation);

}  // namespace wsprobe::codec
