#pragma once
// A streaming HTTP GET through libcurl for event streams: redirects followed,
// HTTP/1.1 or HTTP/2 as negotiated, compressed bodies decoded, and the body handed
// over as it arrives. The handler sees the final response's head before any body
// and may stop the transfer at any point.
#include <string>
#include <vector>

#include "codec/bytes.h"
#include "codec/http.h"
#include "net/client.h"

namespace wsprobe::net {

struct HttpResponseInfo {
  long status = 0;
  std::string http_version;  // "1.1", "2"
  codec::HeaderFields headers;
  std::string final_url;     // after redirects
  long redirects = 0;
  double head_ms = 0;        // request start -> the final response's head read
};

class HttpStreamHandler {
 public:
  virtual ~HttpStreamHandler() = default;
  // The final response's head. Return false to stop (the stream is refused).
  virtual bool on_response(const HttpResponseInfo& response) = 0;
  // Decoded body bytes. Return false to stop.
  virtual bool on_body(codec::ByteView bytes) = 0;
  // Asked after each read, and at the latest by wake_by(), while the transfer runs:
  // false stops it.
  virtual bool keep_going() = 0;
  // When keep_going() must be asked again even if nothing arrives (a --duration's end).
  virtual Deadline wake_by() const { return Deadline::max(); }
  // Everything that had arrived has been handed over and the transfer is about to wait
  // for more: the moment to flush output kept in a buffer.
  virtual void idle() {}
};

enum class StreamEnd {
  body_ended,     // the server ended the body cleanly
  stopped,        // the handler stopped it
  network_error,  // could not connect, or the connection broke
  timed_out,      // the connect timeout passed, or no response head came within it, or the deadline
};

struct StreamResult {
  StreamEnd end = StreamEnd::body_ended;
  std::string error;  // curl's words, for network_error and timed_out
  bool connected = false;  // a response head arrived
  ConnectTimings timings;
  std::optional<TlsDetails> tls;
};

struct HttpStreamSettings {
  ConnectSettings connection;
  std::string target;                // path and query
  std::vector<std::string> headers;  // "Name: value" lines
  bool http2_only = false;
};

// Runs the transfer until the body ends, the handler stops it, or it fails. The
// connection's connect timeout bounds the wait for the response head too, so that a
// server that accepts TCP and never answers cannot hold the caller.
StreamResult run_http_stream(const HttpStreamSettings& settings, HttpStreamHandler& handler, Deadline deadline);

}  // namespace wsprobe::net
