#pragma once
// A WebSocket client session as a browser's WebSocket object lives it: readyState
// CONNECTING, OPEN, CLOSING, CLOSED; messages, pings and pongs; the closing
// handshake, and the close code a CloseEvent would report (1005 without a code,
// 1006 without a Close). The caller owns the event loop: it calls readable() and
// writable() when the socket is, and queues what to send.
#include <cstdint>
#include <optional>
#include <string>

#include "codec/assembler.h"
#include "codec/message_encoder.h"
#include "net/client.h"
#include "session/closing.h"

namespace wsprobe::session {

enum class ReadyState { connecting, open, closing, closed };
std::string_view ready_state_name(ReadyState state);

struct LiveClose {
  std::optional<codec::CloseFrame> received;  // the server's Close
  std::optional<std::uint16_t> sent_code;     // ours, when we sent one
  std::string sent_reason;
  bool server_first = false;                   // the server's Close came before ours
  bool handshake_completed = false;            // both Closes exchanged
  TcpEnd tcp = TcpEnd::left_open;              // how TCP ended: by the server, reset, or by us (left_open)
  std::string tcp_error;
  std::optional<codec::Violation> violation;   // the server broke a rule; we failed the connection
  bool dropped = false;                        // we dropped TCP on purpose (--no-close)

  // What a browser's CloseEvent says.
  std::uint16_t event_code() const;
  bool was_clean() const;
  // The session ended as it should: cleanly, or dropped on purpose, and no rule broken.
  bool ended_well() const { return !violation && (was_clean() || dropped); }
};

struct LiveStats {
  std::uint64_t messages_sent = 0, messages_received = 0;
  std::uint64_t bytes_sent = 0, bytes_received = 0;  // on the wire, frame headers included
  std::uint64_t buffered_high_water = 0;             // the most bytes ever waiting for the socket
};

class LiveObserver {
 public:
  virtual ~LiveObserver() = default;
  virtual void state(ReadyState state) = 0;
  // Each frame, both ways, for -v traces; `payload` is unmasked and may be cut short.
  virtual void frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView payload) = 0;
  virtual void message(codec::Opcode type, codec::ByteView payload) = 0;
  virtual void ping(codec::ByteView payload) = 0;
  virtual void pong(codec::ByteView payload) = 0;
  virtual void closed(const LiveClose& close) = 0;
};

class LiveSession : private codec::MessageHandler {
 public:
  // `already_read`: bytes that came after the handshake response.
  LiveSession(net::Connection& connection, codec::Bytes already_read, const codec::AssemblerOptions& reading,
              const codec::EncoderOptions& writing, LiveObserver& observer, bool trace_frames);

  void send_message(codec::Opcode type, codec::ByteView payload);
  void send_control(codec::Opcode type, codec::ByteView payload);
  // Starts the closing handshake (once).
  void close(std::uint16_t code, const std::string& reason);
  // Closes TCP without a closing handshake.
  void drop();

  // The event loop's calls: the socket is readable, or writable.
  void readable();
  void writable();
  // The closing handshake took too long: give up on the server's part and end.
  void close_timed_out();
  // For loops with nothing but the socket to watch: waits until the socket is ready
  // or `until`, and handles what it can do (reads, and writes what is queued).
  void wait(net::Deadline until);

  ReadyState state() const { return state_; }
  // More may be readable without the socket showing it (a TLS read was cut short):
  // call readable() again before sleeping in poll.
  bool read_pending() const { return read_pending_; }
  // Reading stops while this much waits for the socket (pongs to a flood of pings
  // from a server that does not read), so the peer cannot grow our memory.
  bool reading_paused() const { return buffered_amount() >= read_pause_threshold; }
  static constexpr std::uint64_t read_pause_threshold = 4 * 1024 * 1024;
  std::uint64_t buffered_amount() const { return pending_.size() - pending_sent_; }
  const LiveStats& stats() const { return stats_; }
  const LiveClose& close_report() const { return close_; }
  // Wire times for round trips: when the latest write began, and when the socket
  // last turned readable (before the bytes were read and parsed).
  net::Clock::time_point write_started_at() const { return write_started_at_; }
  net::Clock::time_point readable_at() const { return readable_at_; }

 private:
  void on_frame(const codec::FrameHeader& header) override;
  void on_frame_payload(codec::ByteView slice) override;
  void on_message(codec::Opcode type, codec::ByteView payload) override;
  void on_ping(codec::ByteView payload) override;
  void on_pong(codec::ByteView payload) override;
  void on_close(const codec::CloseFrame& close) override;
  void on_violation(const codec::Violation& violation) override;

  void queue(codec::Bytes frames);
  void trace_incoming_frame_end();
  void set_state(ReadyState state);
  void finish(TcpEnd tcp, std::string error = {});

  net::Connection& connection_;
  LiveObserver& observer_;
  codec::MessageAssembler assembler_;
  codec::MessageEncoder encoder_;
  bool trace_frames_;
  ReadyState state_ = ReadyState::open;
  LiveClose close_;
  LiveStats stats_;
  codec::Bytes pending_;          // frames waiting for the socket (bufferedAmount)
  std::size_t pending_sent_ = 0;  // of pending_, already sent
  codec::Bytes read_buffer_;
  bool read_pending_ = false;
  net::Clock::time_point write_started_at_{};
  net::Clock::time_point readable_at_{};
  // The incoming frame being traced.
  std::optional<codec::FrameHeader> tracing_;
  std::uint64_t trace_remaining_ = 0;
  codec::Bytes trace_preview_;
  codec::Role writing_as_;  // whose frames we send, to parse them back for traces
};

}  // namespace wsprobe::session
