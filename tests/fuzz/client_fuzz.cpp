#include <cstdlib>
#include <string>
#include <vector>

#include "codec/engine.h"
#include "codec/handshake.h"
#include "codec/handshake_check.h"
#include "codec/http.h"
#include "fuzz/targets.h"

namespace wsprobe::fuzz {
namespace {

using namespace codec;

const EngineTime t0 = EngineTime{} + std::chrono::hours(1);

// Events as text, to compare a whole read with split reads.
class Recorder : public EngineHandler {
 public:
  std::vector<std::string> events;
  void on_message(Opcode type, ByteView payload) override {
    events.push_back("message " + std::to_string(static_cast<int>(type)) + " " + std::to_string(payload.size()));
  }
  void on_ping(ByteView payload) override { events.push_back("ping " + std::to_string(payload.size())); }
  void on_pong(ByteView payload) override { events.push_back("pong " + std::to_string(payload.size())); }
  void on_close(const CloseFrame& close) override { events.push_back("close " + std::to_string(close.code.value_or(0))); }
  void on_violation(const Violation& violation) override {
    events.push_back("violation " + std::string(rule_info(violation.rule).id));
  }
};

struct Run {
  std::vector<std::string> events;
  EngineState state;
  bool close_transport;
};

// One client session over `frames`: read in pieces of `read_size`, the peer's FIN at
// the end, the time passing the close timeout; as connect (auto pongs, traces),
// send (no pongs, a crafted Close) and heartbeat (pings sent) run it.
Run run_client(ByteView frames, std::size_t read_size, const EngineOptions& options, int use) {
  Recorder recorder;
  ConnectionEngine engine(options, recorder);
  Bytes copy(frames.begin(), frames.end());
  EngineTime now = t0;
  if (use == 1) engine.send_raw(as_bytes("\x88\x82\x01\x02\x03\x04\x02\xea"), CloseFrame{1000, ""}, now);
  for (std::size_t at = 0; at < copy.size(); at += read_size) {
    if (use == 2) engine.send_ping(as_bytes("1"));
    const std::size_t length = std::min(read_size, copy.size() - at);
    engine.receive_data(MutableByteView(copy).subspan(at, length), now += std::chrono::milliseconds(1));
    engine.output().consume(engine.output().size());
  }
  engine.advance(now + std::chrono::seconds(10));
  const Run run{recorder.events, engine.state(), engine.should_close_transport()};
  engine.receive_eof(TcpEnd::closed_by_peer, now + std::chrono::seconds(11));
  if (engine.state() != EngineState::closed) std::abort();
  return run;
}

}  // namespace

// The client's whole path: a valid 101 for a request, whatever bytes follow it in the
// same read, through the response head parser, the handshake checks and the engine.
// Byte 0: the read size; byte 1: how the engine is used (connect, send, heartbeat)
// and whether permessage-deflate was agreed.
int client_fuzz(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  static const HandshakeRequest offer = [] {
    HandshakeRequest request;
    request.host = "127.0.0.1:9001";
    request.key = "dGhlIHNhbXBsZSBub25jZQ==";
    request.extensions = {"permessage-deflate; client_max_window_bits"};
    return request;
  }();
  static const RequestHead request = build_request(offer);
  const bool deflate = (data[1] & 4) != 0;
  std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: " + accept_for_key(offer.key) + "\r\n";
  if (deflate) response += "Sec-WebSocket-Extensions: permessage-deflate\r\n";
  response += "\r\n";
  Bytes input(response.begin(), response.end());
  input.insert(input.end(), data + 2, data + size);

  ResponseHeadParser parser;
  const ResponseHeadParser::Event head = parser.next(input);
  if (head.step != ResponseHeadParser::Step::complete) std::abort();
  const HandshakeReport report = check_response(parser.head(), request);
  if (!report.ok()) std::abort();
  const ByteView frames = ByteView(input).subspan(head.consumed);

  const int use = data[1] % 3;
  const EngineOptions options{.role = Role::client,
                              .max_message_size = 1 << 20,
                              .deflate = report.negotiated.deflate,
                              .auto_pong = use != 1,
                              .trace_frames = use == 0};
  const Run whole = run_client(frames, frames.size() + 1, options, use);
  const Run split = run_client(frames, 1 + data[0] % 64, options, use);
  // However the reads fall, the same events (pings sent between reads change nothing the peer said).
  if (whole.events != split.events || whole.state != split.state) std::abort();
  return 0;
}

}  // namespace wsprobe::fuzz
