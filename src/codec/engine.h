#pragma once
// The sans-I/O connection engine: one object owns one open WebSocket connection, for
// either role. The caller feeds it what the transport saw (bytes, the end of TCP, the
// time) and takes back events and the bytes to send; the engine owns the state (OPEN,
// CLOSING, CLOSED), the closing handshake and its timeout, automatic pongs,
// permessage-deflate through the assembler and encoder, and every size limit. It never
// touches a socket or a clock, so it is tested in memory, input split at every byte.
//
// Modelled on python-websockets' Protocol (receive_data, receive_eof, data_to_send),
// with events delivered to a handler during the call that caused them, so that a
// message's payload is lent, not copied.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "codec/assembler.h"
#include "codec/bytes.h"
#include "codec/close.h"
#include "codec/message_encoder.h"
#include "codec/output_buffer.h"
#include "codec/violation.h"

namespace wsprobe::codec {

using EngineClock = std::chrono::steady_clock;
using EngineTime = EngineClock::time_point;

enum class EngineState : std::uint8_t {
  open,     // both ways
  closing,  // a Close was sent or received (or the connection failed): the handshake runs
  closed,   // TCP is gone
};

// How TCP ended, from this endpoint's side.
enum class TcpEnd : std::uint8_t {
  left_open,      // not yet, or never: the engine was dropped with TCP still open
  closed_by_peer, // the peer's FIN
  reset,          // RST or a transport error
  closed_by_us,   // we closed it: a failed connection, a timed-out handshake, a drop
};

struct EngineOptions {
  Role role = Role::client;  // ours: a client masks what it sends and reads a server's frames
  std::uint64_t max_message_size = default_max_message_size;
  std::optional<DeflateAgreement> deflate;  // as the opening handshake agreed
  // From our Close (sent or echoed) to giving up on the peer's part: its Close, and for
  // a client the server's end of TCP (RFC 6455 7.1.1: the server closes first).
  std::chrono::milliseconds close_timeout{5000};
  // Answer pings at once (5.5.2). Off where the caller answers them itself.
  bool auto_pong = true;
  // Report every frame, both ways, with the start of its payload (-v traces).
  bool trace_frames = false;
  // Answer the peer's Close at once (5.5.1). Off where the caller answers it itself.
  bool answer_close = true;
  // Leniency and faults on purpose, for `wsprobe serve --fault`.
  bool validate_utf8 = true;
  bool ignore_reserved_bits = false;
  bool mask_as_server = false;
};

// What happened to the closing handshake and TCP; a browser's CloseEvent is derived
// from it (code 1005 without a code, 1006 without a Close).
struct CloseRecord {
  std::optional<CloseFrame> received;       // the peer's Close
  std::optional<double> received_after_ms;  // our Close sent -> the peer's Close read
  bool sent = false;                        // we sent a Close (ours or crafted)
  std::optional<std::uint16_t> sent_code;   // its code, when it had one
  std::string sent_reason;
  bool peer_first = false;                  // the peer's Close came before ours
  std::optional<Violation> violation;       // the first rule the peer broke; we failed the connection
  bool timed_out = false;                   // the peer's part did not come within close_timeout
  bool dropped = false;                     // we dropped TCP on purpose, without a closing handshake
  TcpEnd tcp = TcpEnd::left_open;
  std::string tcp_error;                    // with TcpEnd::reset
  std::optional<double> tcp_end_after_ms;   // our Close sent -> TCP ended

  bool handshake_completed() const { return sent && received.has_value(); }
  // What a browser's CloseEvent says.
  std::uint16_t event_code() const;
  // Both Closes, no rule broken, and the peer closed TCP: as wasClean from a client's seat.
  bool was_clean() const;
  // The connection ended as intended: cleanly, or dropped on purpose, and no rule broken.
  bool ended_well() const { return !violation && (was_clean() || dropped); }
};

class EngineHandler {
 public:
  virtual ~EngineHandler() = default;
  // A whole frame, either way, with at most the first 64 bytes of its (unmasked)
  // payload; only with EngineOptions::trace_frames.
  virtual void on_frame(bool outgoing, const FrameHeader& header, ByteView preview) {
    (void)outgoing, (void)header, (void)preview;
  }
  // A complete text or binary message; `payload` is valid until the call returns.
  virtual void on_message(Opcode type, ByteView payload) { (void)type, (void)payload; }
  virtual void on_ping(ByteView payload) { (void)payload; }
  virtual void on_pong(ByteView payload) { (void)payload; }
  // The peer's Close (valid; an invalid one is a violation).
  virtual void on_close(const CloseFrame& close) { (void)close; }
  // The peer broke a rule. Before its Close we fail the connection: a Close with the
  // rule's code goes out and TCP closes after it. After its Close the violation (data
  // frames after a Close) is recorded and the handshake goes on.
  virtual void on_violation(const Violation& violation) { (void)violation; }
  // Something the peer may do but worth a note (a kept deflate tail).
  virtual void on_note(const Violation& note) { (void)note; }
  // The engine reached CLOSED; `record` says how.
  virtual void on_closed(const CloseRecord& record) { (void)record; }
};

class ConnectionEngine : private MessageHandler {
 public:
  ConnectionEngine(const EngineOptions& options, EngineHandler& handler);
  ConnectionEngine(const ConnectionEngine&) = delete;
  ConnectionEngine& operator=(const ConnectionEngine&) = delete;

  // What the transport saw. Masked payloads are unmasked in place.
  void receive_data(MutableByteView bytes, EngineTime now);
  // TCP ended: the peer's FIN, a reset, or our own close of it.
  void receive_eof(TcpEnd how, EngineTime now, std::string error = {});
  // Timers: call at next_deadline() (or later).
  void advance(EngineTime now);
  std::optional<EngineTime> next_deadline() const;

  // What the application does. Ignored once they no longer apply (a message after our Close).
  void send_message(Opcode type, ByteView payload, std::size_t fragment_size = 0);
  void send_ping(ByteView payload);
  void send_pong(ByteView payload);
  // Starts the closing handshake, once; no code sends an empty Close.
  void close(std::optional<std::uint16_t> code, std::string_view reason, EngineTime now);
  // Frames written exactly as crafted (wsprobe send): queued as they are, whatever the
  // state. `close`: they include a Close frame (with this code and reason, as far as
  // its payload says), which starts the handshake.
  void send_raw(ByteView frames, const std::optional<CloseFrame>& close, EngineTime now);
  // Ends without a closing handshake (--no-close, a dead peer): the caller closes TCP.
  void drop(EngineTime now);

  // The bytes to send, in order; the caller sends from the front and consumes.
  OutputBuffer& output() { return output_; }
  const OutputBuffer& output() const { return output_; }
  // TCP should be closed by us once output() is empty: a failed connection, a server
  // after the closing handshake, a client whose closing handshake timed out, a drop.
  // The close deadline bounds the wait for output() to drain too: a peer that does not
  // read cannot hold a closing connection open.
  bool should_close_transport() const { return close_transport_; }

  EngineState state() const { return state_; }
  const CloseRecord& close_record() const { return record_; }
  Role role() const { return options_.role; }

 private:
  void on_frame(const FrameHeader& header) override;
  void on_frame_payload(ByteView slice) override;
  void on_message(Opcode type, ByteView payload) override;
  void on_ping(ByteView payload) override;
  void on_pong(ByteView payload) override;
  void on_close(const CloseFrame& close) override;
  void on_violation(const Violation& violation) override;
  void on_note(const Violation& note) override { handler_.on_note(note); }

  // Frames are built in the output buffer itself.
  void queue_message(Opcode type, ByteView payload, std::size_t fragment_size);
  void queue_control(Opcode type, ByteView payload);
  void trace_outgoing(ByteView frames);
  void closing_started(EngineTime now);
  void both_closes_exchanged();
  void finish(TcpEnd how, std::string error);
  double ms_since_close(EngineTime now) const;

  EngineOptions options_;
  EngineHandler& handler_;
  MessageAssembler assembler_;
  MessageEncoder encoder_;
  OutputBuffer output_;
  EngineState state_ = EngineState::open;
  CloseRecord record_;
  bool close_transport_ = false;
  bool given_up_ = false;  // the close deadline passed: unsent output was dropped
  std::optional<EngineTime> close_started_;  // our Close queued
  std::optional<EngineTime> close_deadline_;
  EngineTime now_{};  // of the call being handled
  // The incoming frame being traced.
  std::optional<FrameHeader> tracing_;
  std::uint64_t trace_remaining_ = 0;
  Bytes trace_preview_;
};

}  // namespace wsprobe::codec
