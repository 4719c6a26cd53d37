#pragma once
// One connection of the built-in server as a state machine over the codec: the
// opening handshake, then echoed messages, pongs and the closing handshake. Bytes
// in, bytes and log lines out; the server loop (server.h) does the I/O.
#include <algorithm>
#include <chrono>
#include <span>
#include <cstdint>
#include <utility>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/engine.h"
#include "codec/http.h"
#include "codec/server_handshake.h"
#include "codec/output_buffer.h"
#include "net/server.h"
#include "session/sse_endpoint.h"

namespace wsprobe::session {

// Protocol faults `wsprobe serve --fault NAME` plays, each breaking one rule, so that a
// checker (wsprobe check, or a client's own tests) can be shown to catch it.
enum class ProtocolFault : std::uint8_t {
  no_echo,               // messages are read but never echoed
  corrupt_echo,          // echoes have their first byte changed
  pong_other,            // pongs carry "xyz", not the ping's data (5.5.3)
  masked_frames,         // the server masks its frames (5.1)
  accept_invalid_utf8,   // text is not validated (8.1)
  ignore_reserved_bits,  // RSV bits without an extension are let through (5.2)
  no_close_reply,        // the client's Close is never answered (5.5.1)
  invalid_close_code,    // the client's Close is answered with 1005 (7.4.1)
  data_after_close,      // a text frame follows the server's Close (5.5.1)
  wrong_accept,          // the 101's Sec-WebSocket-Accept is for another key (4.2.2)
  no_version_list,       // a refused version gets no Sec-WebSocket-Version list (4.4)
  accept_any_version,    // any Sec-WebSocket-Version is upgraded (4.2.2)
  accept_bad_key,        // a missing or malformed key is upgraded (4.2.1)
  unoffered_subprotocol, // every 101 names a subprotocol nobody offered (4.2.2)
  accept_any_extension,  // the first extension offered is accepted, whatever it is (9.1)
  non_minimal_length,    // echoes under 126 bytes carry a 16-bit length (5.2)
  reserved_bits_on_echo, // echoes have RSV2 set, which no extension defines (5.2)
  echo_as_binary,        // text messages are echoed as binary (5.6)
};
// The names --fault takes, in enum order: "no-echo", "corrupt-echo", ...
std::span<const std::string_view> protocol_fault_names();

// Faults the server plays on purpose, so that clients' liveness handling can be
// tested without luck (wsprobe serve --drop-after ... --no-pong).
struct ServerFaults {
  std::optional<std::chrono::milliseconds> drop_after;  // TCP closed without a Close, this long after the upgrade
  std::optional<std::chrono::milliseconds> close_after; // a Close with close_code, this long after the upgrade
  std::uint16_t close_code = 1000;
  std::optional<std::chrono::milliseconds> idle_timeout;   // Close 1001 after this long without a client frame
  std::optional<std::chrono::milliseconds> ping_interval;  // the server pings this often
  std::optional<std::chrono::milliseconds> pong_delay;     // pongs are sent this late
  std::uint64_t pong_delay_every = 1;                      // only every Nth pong is late; the rest at once
  bool no_pong = false;                                    // pings are never answered
  std::vector<ProtocolFault> protocol;                     // --fault
  bool plays(ProtocolFault fault) const { return std::find(protocol.begin(), protocol.end(), fault) != protocol.end(); }
};

struct ServerSessionOptions {
  codec::ServerHandshakePolicy handshake;
  std::uint64_t max_message_size = codec::default_max_message_size;
  SseOptions sse;
  ServerFaults faults;
};

class ServerSession : public net::ServedConnection, private codec::EngineHandler {
 public:

  // `refused`: --refuse-first, the upgrade is answered with 503.
  ServerSession(const ServerSessionOptions& options, bool refused = false);
  // The engine holds a reference to its session.
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Bytes from the client; masked payloads are unmasked in place. Bytes after the
  // request head are frames. Ignored once closing, as is data after a Close (1.4).
  // `now` starts an event stream's clock.
  void receive(codec::MutableByteView bytes, Clock::time_point now) override;
  // When wake() has work to do (the next events of a stream); nullopt: never.
  std::optional<Clock::time_point> next_wakeup() const override;
  void wake(Clock::time_point now) override;
  // The server is stopping: an open connection gets Close 1001 (Going Away).
  void go_away() override;
  // The connection ended before the session was closing: `why` is a short phrase,
  // e.g. "the client closed TCP" or "timed out after 10s".
  void connection_lost(std::string_view why) override;

  Phase phase() const override { return phase_; }
  // What to send, in order; the loop sends from the front and consumes.
  codec::OutputBuffer& output() override { return engine_ ? engine_->output() : output_; }
  const codec::OutputBuffer& output() const { return engine_ ? engine_->output() : output_; }
  // Log lines since the last call, oldest first: how the handshake went, how the
  // connection ended. Anything the client sent is escaped in them.
  std::vector<std::string> take_log() override;

 private:
  void on_message(codec::Opcode type, codec::ByteView payload) override;
  void on_ping(codec::ByteView payload) override;
  void on_close(const codec::CloseFrame& close) override;
  void on_violation(const codec::Violation& violation) override;

  void answer(const codec::HandshakeAnswer& answer);
  void start_stream();
  void play_faults(Clock::time_point now);
  void send_close(std::uint16_t code, std::string_view reason);
  void play_close_faults();
  // The answer to an upgrade request, as --fault changes it.
  codec::HandshakeAnswer answer_with_faults(const codec::RequestHead& request) const;
  void echo(codec::Opcode type, codec::ByteView payload);
  // Once the engine is closing, so is the session: what is queued goes out, then TCP
  // closes (the server closes first, 7.1.1).
  void follow_engine();
  std::string after_messages() const;

  ServerSessionOptions options_;
  Phase phase_ = Phase::handshake;
  codec::RequestHeadParser head_parser_;
  codec::OutputBuffer output_;  // the handshake's answer, an event stream
  // Made once upgraded, with the permessage-deflate the handshake agreed.
  std::optional<codec::ConnectionEngine> engine_;
  std::uint64_t messages_ = 0;  // data messages received (and echoed)
  std::optional<SseEndpoint> sse_;
  bool refuse_;
  // Fault timers, from the upgrade on (ServerFaults).
  Clock::time_point now_{};
  Clock::time_point opened_at_{};
  Clock::time_point last_frame_at_{};
  std::optional<Clock::time_point> next_ping_;
  bool close_sent_by_fault_ = false;
  bool data_after_close_due_ = false;  // --fault data-after-close: once the Close answer is queued
  std::vector<std::pair<Clock::time_point, codec::Bytes>> delayed_pongs_;
  std::uint64_t pings_seen_ = 0;
  std::vector<std::string> log_;
};

}  // namespace wsprobe::session
