#pragma once
// The client's side of the opening handshake over a connection: send the request,
// read the response head, and keep whatever followed it (frames, or a body).
#include <string>

#include "codec/bytes.h"
#include "codec/http.h"
#include "net/client.h"

namespace wsprobe::session {

struct OpeningExchange {
  codec::ResponseHead response;
  std::string response_text;  // the head as received, CRLFs included
  codec::Bytes after_head;    // bytes read past the head
  double response_ms = 0;     // request written -> whole response head read
};

// Throws Error: refused when the server closes before a whole head or sends
// one that does not parse (the violation says which rule), timeout at the
// deadline, connect when the connection breaks.
OpeningExchange exchange_opening_handshake(net::Connection& connection, const codec::RequestHead& request,
                                           net::Deadline deadline);

}  // namespace wsprobe::session

namespace wsprobe::session {

struct RefusalBody {
  std::string text;       // at most the limit
  bool complete = false;  // the whole body (by Content-Length, or the server closed)
};

// The start of a refused upgrade's body: what came with the head, then reads until
// `limit` bytes, the Content-Length, the end of the connection, one second of
// silence, or the deadline.
RefusalBody read_refusal_body(net::Connection& connection, const OpeningExchange& exchange, std::size_t limit,
                              net::Deadline deadline);

}  // namespace wsprobe::session
