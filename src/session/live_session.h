#pragma once
// A WebSocket client session over a connection: the one client read loop. It drives
// a ConnectionEngine (codec/engine.h) with what the socket gives and the time, sends
// what the engine queues, and closes TCP when the engine asks. The session is shown
// as a browser's WebSocket object lives it: readyState CONNECTING, OPEN, CLOSING,
// CLOSED; messages, pings and pongs; and the close code a CloseEvent would report.
// connect, send, heartbeat, reconnect and handshake's closing exchange all run here.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "codec/engine.h"
#include "net/client.h"

namespace wsprobe::session {

enum class ReadyState { connecting, open, closing, closed };
std::string_view ready_state_name(ReadyState state);

// How the session ended: the engine's close record.
using LiveClose = codec::CloseRecord;
using codec::TcpEnd;
// "closed_by_server", "reset", "left_open", "closed_by_client": as JSON prints it.
std::string_view tcp_end_name(TcpEnd end);

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
  // The server's Close, and a rule it broke: as they come, before the end.
  virtual void close_received(const codec::CloseFrame& close) { (void)close; }
  virtual void violation(const codec::Violation& violation) { (void)violation; }
  // Something the server may do but worth a note (a kept deflate tail).
  virtual void note(const codec::Violation& note) { (void)note; }
  virtual void closed(const LiveClose& close) = 0;
};

class LiveSession : private codec::EngineHandler {
 public:
  LiveSession(net::Connection& connection, const codec::EngineOptions& options, LiveObserver& observer);

  // Feeds the bytes that came with the handshake response. They may hold frames, so
  // this runs once the observer is ready for events.
  void start(codec::Bytes already_read);

  // `fragment_size`: payload bytes per frame (0: one frame).
  void send_message(codec::Opcode type, codec::ByteView payload, std::size_t fragment_size = 0);
  void send_ping(codec::ByteView payload);
  void send_pong(codec::ByteView payload);
  // Frames exactly as crafted; `close`: they include this Close.
  void send_raw(codec::ByteView frames, const std::optional<codec::CloseFrame>& close);
  // Starts the closing handshake (once).
  void close(std::uint16_t code, const std::string& reason);
  // Closes TCP without a closing handshake.
  void drop();
  // At most this many bytes per write (0: as many as the socket takes), to show a
  // server its input in small pieces as Autobahn's "chop" does.
  void set_write_chunk(std::size_t bytes) { write_chunk_ = bytes; }

  // The event loop's calls: the socket is readable, or writable; or time passed.
  void readable();
  void writable();
  void advance();
  // When advance() has work to do (the closing handshake's timeout).
  std::optional<net::Deadline> next_deadline() const { return engine_.next_deadline(); }
  // For loops with nothing but the socket to watch: waits until the socket is ready,
  // the engine's next deadline, or `until`, and handles what it can.
  void wait(net::Deadline until);

  ReadyState state() const { return state_; }
  // More may be readable without the socket showing it (a TLS read was cut short):
  // call readable() again before sleeping in poll.
  bool read_pending() const { return read_pending_; }
  // Reading stops while this much more than what we queued ourselves waits for the
  // socket (pongs to a flood of pings from a server that does not read), so the peer
  // cannot grow our memory; a big message of ours does not stop us reading the
  // server's Close.
  bool reading_paused() const { return buffered_amount() >= pause_reading_at_; }
  static constexpr std::uint64_t read_pause_threshold = 4 * 1024 * 1024;
  std::uint64_t buffered_amount() const { return engine_.output().size(); }
  const LiveStats& stats() const { return stats_; }
  // The connection's socket, for the caller's poll.
  int socket() const { return connection_.socket(); }
  const LiveClose& close_report() const { return engine_.close_record(); }
  // Wire times for round trips: when the latest write began, and when the socket
  // last turned readable (before the bytes were read and parsed).
  net::Clock::time_point write_started_at() const { return write_started_at_; }
  net::Clock::time_point readable_at() const { return readable_at_; }

 private:
  void on_frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView preview) override;
  void on_message(codec::Opcode type, codec::ByteView payload) override;
  void on_ping(codec::ByteView payload) override;
  void on_pong(codec::ByteView payload) override;
  void on_close(const codec::CloseFrame& close) override;
  void on_violation(const codec::Violation& violation) override;
  void on_note(const codec::Violation& note) override { observer_.note(note); }
  void on_closed(const codec::CloseRecord& record) override;

  // After every input to the engine: send what it queued, close TCP when it asks.
  void settle();
  // After queuing frames of our own: they do not count towards the reading pause.
  void queued_by_us() { pause_reading_at_ = std::max(pause_reading_at_, buffered_amount() + read_pause_threshold); }
  void set_state(ReadyState state);

  net::Connection& connection_;
  LiveObserver& observer_;
  codec::ConnectionEngine engine_;
  ReadyState state_ = ReadyState::open;
  LiveStats stats_;
  codec::Bytes read_buffer_;
  bool read_pending_ = false;
  std::size_t write_chunk_ = 0;
  std::uint64_t pause_reading_at_ = read_pause_threshold;
  net::Clock::time_point write_started_at_{};
  net::Clock::time_point readable_at_{};
};

}  // namespace wsprobe::session
