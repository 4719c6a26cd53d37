#pragma once
// What `wsprobe handshake` prints, human or JSON. The command reports each step as
// it happens; the human reporter prints at once (a hung server still shows the
// request), the JSON reporter prints one JSON Lines record a step.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "output/options.h"
#include "codec/handshake_check.h"
#include "net/client.h"
#include "session/closing.h"
#include "session/opening.h"

namespace wsprobe::output {

struct HandshakeTimings {
  net::ConnectTimings connect;
  double handshake_ms = 0;  // request written -> response head read
  double total_ms = 0;      // connect started -> response head read
};

class HandshakeReporter {
 public:
  virtual ~HandshakeReporter() = default;
  virtual void connected(const net::WsUrl& url, const net::Endpoints& endpoints) = 0;
  virtual void request(const codec::RequestHead& request) = 0;
  virtual void response(const session::OpeningExchange& exchange) = 0;
  virtual void checks(const codec::HandshakeReport& report) = 0;
  // A refused upgrade: the start of the body (`complete` false when cut at the limit).
  virtual void refused(const codec::ResponseHead& response, const std::string& body, bool complete) = 0;
  virtual void timings(const HandshakeTimings& timings, const std::optional<net::TlsDetails>& tls) = 0;
  virtual void frame_received(const codec::FrameHeader& header) = 0;
  virtual void closed(std::uint16_t sent_code, const session::CloseExchange& close) = 0;
  // The command ran to its end (an error that cuts it short is main's to report).
  virtual void finish(const RunEnd& end) = 0;
};

std::unique_ptr<HandshakeReporter> make_handshake_reporter(const OutputOptions& options, std::FILE* out);

}  // namespace wsprobe::output
