#include "session/live_session.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

#include "base/errors.h"

namespace wsprobe::session {
namespace {

constexpr std::size_t read_size = 64 * 1024;

ReadyState ready_state_of(codec::EngineState state) {
  switch (state) {
    case codec::EngineState::open: return ReadyState::open;
    case codec::EngineState::closing: return ReadyState::closing;
    case codec::EngineState::closed: return ReadyState::closed;
  }
  return ReadyState::closed;
}

}  // namespace

std::string_view ready_state_name(ReadyState state) {
  switch (state) {
    case ReadyState::connecting: return "CONNECTING";
    case ReadyState::open: return "OPEN";
    case ReadyState::closing: return "CLOSING";
    case ReadyState::closed: return "CLOSED";
  }
  return "";
}

std::string_view tcp_end_name(TcpEnd end) {
  switch (end) {
    case TcpEnd::closed_by_peer: return "closed_by_server";
    case TcpEnd::reset: return "reset";
    case TcpEnd::left_open: return "left_open";
    case TcpEnd::closed_by_us: return "closed_by_client";
  }
  return "";
}

LiveSession::LiveSession(net::Connection& connection, const codec::EngineOptions& options, LiveObserver& observer)
    : connection_(connection), observer_(observer), engine_(options, *this), read_buffer_(read_size) {
  observer_.state(ReadyState::open);
}

void LiveSession::start(codec::Bytes already_read) {
  if (already_read.empty()) return;
  stats_.bytes_received += already_read.size();
  engine_.receive_data(already_read, net::Clock::now());
  settle();
}

void LiveSession::set_state(ReadyState state) {
  if (state == state_) return;
  state_ = state;
  observer_.state(state);
}

void LiveSession::settle() {
  if (!engine_.output().empty()) {
    stats_.buffered_high_water = std::max<std::uint64_t>(stats_.buffered_high_water, buffered_amount());
    writable();
  }
  if (engine_.state() != codec::EngineState::closed && engine_.should_close_transport() && engine_.output().empty()) {
    ::shutdown(connection_.socket(), SHUT_RDWR);
    engine_.receive_eof(TcpEnd::closed_by_us, net::Clock::now());
  }
  set_state(ready_state_of(engine_.state()));
}

void LiveSession::send_message(codec::Opcode type, codec::ByteView payload, std::size_t fragment_size) {
  if (engine_.state() != codec::EngineState::open) return;
  ++stats_.messages_sent;
  engine_.send_message(type, payload, fragment_size);
  queued_by_us();
  settle();
}

void LiveSession::send_ping(codec::ByteView payload) {
  engine_.send_ping(payload);
  queued_by_us();
  settle();
}

void LiveSession::send_pong(codec::ByteView payload) {
  engine_.send_pong(payload);
  settle();
}

void LiveSession::send_raw(codec::ByteView frames, const std::optional<codec::CloseFrame>& close) {
  engine_.send_raw(frames, close, net::Clock::now());
  queued_by_us();
  settle();
}

void LiveSession::close(std::uint16_t code, const std::string& reason) {
  engine_.close(code, reason, net::Clock::now());
  settle();
}

void LiveSession::drop() {
  if (engine_.state() == codec::EngineState::closed) return;
  ::shutdown(connection_.socket(), SHUT_RDWR);
  engine_.drop(net::Clock::now());
  settle();
}

void LiveSession::advance() {
  engine_.advance(net::Clock::now());
  settle();
}

void LiveSession::wait(net::Deadline until) {
  if (state_ == ReadyState::closed) return;
  if (read_pending_ && !reading_paused()) {
    readable();
    return advance();  // a peer that never stops sending cannot hold off the engine's timeout
  }
  if (const auto deadline = engine_.next_deadline()) until = std::min(until, *deadline);
  const short reading = reading_paused() ? 0 : POLLIN;
  pollfd entry{connection_.socket(), static_cast<short>(reading | (buffered_amount() > 0 ? POLLOUT : 0)), 0};
  // Rounded up, since waking before the deadline only loops again; a passed deadline
  // reads what is there without waiting.
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - net::Clock::now()).count();
  if (::poll(&entry, 1, static_cast<int>(std::clamp<long long>(left, 0, 1000))) > 0) {
    readable_at_ = net::Clock::now();
    if (entry.revents & (POLLIN | POLLHUP | POLLERR)) readable();
    if (entry.revents & POLLOUT) writable();
  }
  advance();
}

void LiveSession::readable() {
  // A bounded number of reads per call, so that a peer that sends without pause
  // cannot keep the caller from its deadlines, signals and input.
  constexpr int reads_per_call = 16;
  read_pending_ = false;
  for (int reads = 0; state_ != ReadyState::closed && !reading_paused(); ++reads) {
    if (reads == reads_per_call) {
      read_pending_ = true;
      break;
    }
    const net::ReadResult read = connection_.try_read(read_buffer_);
    if (read.status == net::ReadStatus::data) {
      stats_.bytes_received += read.size;
      engine_.receive_data(codec::MutableByteView(read_buffer_).first(read.size), net::Clock::now());
      settle();
      // A short read drained a plain socket; TLS may hold decrypted bytes that poll cannot see.
      if (read.size < read_buffer_.size() && connection_.plain_socket()) break;
      continue;
    }
    if (read.status == net::ReadStatus::eof || read.status == net::ReadStatus::reset) {
      engine_.receive_eof(read.status == net::ReadStatus::eof ? TcpEnd::closed_by_peer : TcpEnd::reset,
                          net::Clock::now(), read.error);
      settle();
    }
    break;  // would_block, or the end
  }
}

void LiveSession::writable() {
  codec::OutputBuffer& output = engine_.output();
  while (engine_.state() != codec::EngineState::closed && !output.empty()) {
    std::size_t sent = 0;
    write_started_at_ = net::Clock::now();
    try {
      const codec::ByteView pending = output.pending();
      sent = connection_.try_send(write_chunk_ ? pending.first(std::min(write_chunk_, pending.size())) : pending);
    } catch (const Error& failure) {
      engine_.receive_eof(TcpEnd::reset, net::Clock::now(), failure.what());
      set_state(ReadyState::closed);
      return;
    }
    if (sent == 0) break;
    output.consume(sent);
    stats_.bytes_sent += sent;
  }
  if (output.empty()) pause_reading_at_ = read_pause_threshold;
}

void LiveSession::on_frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView preview) {
  observer_.frame(outgoing, header, preview);
}

void LiveSession::on_message(codec::Opcode type, codec::ByteView payload) {
  ++stats_.messages_received;
  observer_.message(type, payload);
}

void LiveSession::on_ping(codec::ByteView payload) { observer_.ping(payload); }
void LiveSession::on_pong(codec::ByteView payload) { observer_.pong(payload); }
void LiveSession::on_close(const codec::CloseFrame& close) { observer_.close_received(close); }
void LiveSession::on_violation(const codec::Violation& violation) { observer_.violation(violation); }

void LiveSession::on_closed(const codec::CloseRecord& record) {
  set_state(ReadyState::closed);
  observer_.closed(record);
}

}  // namespace wsprobe::session
