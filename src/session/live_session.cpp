#include "session/live_session.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

#include "codec/close.h"
#include "codec/frame.h"
#include "base/errors.h"

namespace wsprobe::session {
namespace {

constexpr std::size_t trace_preview_size = 64;
constexpr std::size_t read_size = 64 * 1024;

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

std::uint16_t LiveClose::event_code() const {
  if (!received) return codec::close_abnormal;
  return received->code.value_or(codec::close_no_status_received);
}

bool LiveClose::was_clean() const { return handshake_completed && tcp == TcpEnd::closed_by_server && !violation; }

LiveSession::LiveSession(net::Connection& connection, codec::Bytes already_read, const codec::AssemblerOptions& reading,
                         const codec::EncoderOptions& writing, LiveObserver& observer, bool trace_frames)
    : connection_(connection),
      observer_(observer),
      assembler_(reading, *this),
      encoder_(writing),
      trace_frames_(trace_frames),
      read_buffer_(read_size),
      writing_as_(writing.as) {
  observer_.state(ReadyState::open);
  if (!already_read.empty()) {
    stats_.bytes_received += already_read.size();
    assembler_.feed(already_read);
  }
}

void LiveSession::set_state(ReadyState state) {
  if (state == state_) return;
  state_ = state;
  observer_.state(state);
}

void LiveSession::queue(codec::Bytes frames) {
  if (trace_frames_) {
    // Our own frames, parsed back from a copy: the trace shows exactly what was sent.
    codec::Bytes copy = frames;
    codec::FrameParser parser({writing_as_, 0x70});
    codec::MutableByteView input(copy);
    codec::Bytes preview;
    for (;;) {
      const auto event = parser.next(input);
      input = input.subspan(event.consumed);
      if (event.step == codec::FrameParser::Step::need_more || event.step == codec::FrameParser::Step::violation) break;
      if (event.step == codec::FrameParser::Step::header) {
        preview.clear();
        continue;
      }
      const std::size_t room = trace_preview_size - std::min(trace_preview_size, preview.size());
      preview.insert(preview.end(), event.payload.begin(), event.payload.begin() + std::min(room, event.payload.size()));
      if (event.frame_end) observer_.frame(true, parser.header(), preview);
    }
  }
  pending_.insert(pending_.end(), frames.begin(), frames.end());
  stats_.buffered_high_water = std::max<std::uint64_t>(stats_.buffered_high_water, buffered_amount());
  writable();
}

void LiveSession::send_message(codec::Opcode type, codec::ByteView payload) {
  if (state_ != ReadyState::open) return;
  ++stats_.messages_sent;
  queue(encoder_.message(type, payload));
}

void LiveSession::send_control(codec::Opcode type, codec::ByteView payload) {
  if (state_ != ReadyState::open) return;
  queue(encoder_.control(type, payload));
}

void LiveSession::close(std::uint16_t code, const std::string& reason) {
  if (state_ != ReadyState::open) return;
  close_.sent_code = code;
  close_.sent_reason = reason;
  set_state(ReadyState::closing);
  queue(encoder_.control(codec::Opcode::close, codec::build_close_payload(code, reason)));
}

void LiveSession::drop() {
  if (state_ == ReadyState::closed) return;
  close_.dropped = true;
  ::shutdown(connection_.socket(), SHUT_RDWR);
  finish(TcpEnd::closed_by_client);
}

void LiveSession::close_timed_out() {
  if (state_ != ReadyState::closed) finish(TcpEnd::closed_by_client);
}

void LiveSession::wait(net::Deadline until) {
  if (state_ == ReadyState::closed) return;
  if (read_pending_ && !reading_paused()) {
    readable();
    return;
  }
  const short reading = reading_paused() ? 0 : POLLIN;
  pollfd entry{connection_.socket(), static_cast<short>(reading | (buffered_amount() > 0 ? POLLOUT : 0)), 0};
  // Rounded up, since waking before the deadline only loops again; a passed deadline
  // reads what is there without waiting.
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - net::Clock::now()).count();
  if (::poll(&entry, 1, static_cast<int>(std::clamp<long long>(left, 0, 1000))) <= 0) return;
  readable_at_ = net::Clock::now();
  if (entry.revents & (POLLIN | POLLHUP | POLLERR)) readable();
  if (entry.revents & POLLOUT) writable();
}

void LiveSession::readable() {
  // A bounded number of reads per call, so that a peer that sends without pause
  // cannot keep the caller from its deadlines, signals and input.
  constexpr int reads_per_call = 16;
  read_pending_ = false;
  for (int reads = 0; state_ != ReadyState::closed && !reading_paused(); ++reads) {
    if (reads == reads_per_call) {
      read_pending_ = true;
      return;
    }
    const net::ReadResult read = connection_.try_read(read_buffer_);
    switch (read.status) {
      case net::ReadStatus::data:
        stats_.bytes_received += read.size;
        // After a violation or the server's Close, further input is not processed (7.1.7, 1.4).
        if (!assembler_.failed() && !close_.received) assembler_.feed(codec::MutableByteView(read_buffer_).first(read.size));
        // A short read drained a plain socket; TLS may hold decrypted bytes that poll cannot see.
        if (read.size < read_buffer_.size() && connection_.plain_socket()) return;
        break;
      case net::ReadStatus::eof:
        return finish(TcpEnd::closed_by_server);
      case net::ReadStatus::reset:
        return finish(TcpEnd::reset, read.error);
      case net::ReadStatus::would_block:
      case net::ReadStatus::timeout:
        return;
    }
  }
}

void LiveSession::writable() {
  while (state_ != ReadyState::closed && pending_sent_ < pending_.size()) {
    std::size_t sent = 0;
    write_started_at_ = net::Clock::now();
    try {
      sent = connection_.try_send(codec::ByteView(pending_).subspan(pending_sent_));
    } catch (const Error& failure) {
      return finish(TcpEnd::reset, failure.what());
    }
    if (sent == 0) break;
    pending_sent_ += sent;
    stats_.bytes_sent += sent;
  }
  // Drop what was sent once it is half the buffer, so a socket that never drains
  // completely does not keep every byte ever sent.
  if (pending_sent_ == pending_.size() || pending_sent_ > pending_.size() / 2) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pending_sent_));
    pending_sent_ = 0;
  }
  if (!pending_.empty()) return;
  // A failed connection is closed once its Close frame is out (7.1.7).
  if (close_.violation && state_ != ReadyState::closed) finish(TcpEnd::closed_by_client);
}

void LiveSession::on_frame(const codec::FrameHeader& header) {
  if (!trace_frames_) return;
  tracing_ = header;
  trace_preview_.clear();
  trace_remaining_ = header.payload_length;
  if (trace_remaining_ == 0) trace_incoming_frame_end();
}

void LiveSession::on_frame_payload(codec::ByteView slice) {
  if (!tracing_) return;
  const std::size_t room = trace_preview_size - std::min(trace_preview_size, trace_preview_.size());
  trace_preview_.insert(trace_preview_.end(), slice.begin(), slice.begin() + std::min(room, slice.size()));
  trace_remaining_ -= slice.size();
  if (trace_remaining_ == 0) trace_incoming_frame_end();
}

void LiveSession::trace_incoming_frame_end() {
  observer_.frame(false, *tracing_, trace_preview_);
  tracing_.reset();
}

void LiveSession::on_message(codec::Opcode type, codec::ByteView payload) {
  ++stats_.messages_received;
  observer_.message(type, payload);
}

void LiveSession::on_ping(codec::ByteView payload) {
  observer_.ping(payload);
  // A pong is due unless a Close came first (5.5.2); a browser answers by itself.
  if (state_ == ReadyState::open) queue(encoder_.control(codec::Opcode::pong, payload));
}

void LiveSession::on_pong(codec::ByteView payload) { observer_.pong(payload); }

void LiveSession::on_close(const codec::CloseFrame& close) {
  close_.received = close;
  if (!close_.sent_code && state_ == ReadyState::open) {
    // The server closed first: echo its code, as browsers do (5.5.1).
    close_.server_first = true;
    set_state(ReadyState::closing);
    queue(encoder_.control(codec::Opcode::close,
                           close.code ? codec::build_close_payload(*close.code, "") : codec::Bytes()));
    if (close.code) close_.sent_code = close.code;
  }
  close_.handshake_completed = true;
}

void LiveSession::on_violation(const codec::Violation& violation) {
  close_.violation = violation;
  if (state_ == ReadyState::open) {
    const std::uint16_t code = codec::rule_info(violation.rule).close_code;
    close_.sent_code = code;
    set_state(ReadyState::closing);
    queue(encoder_.control(codec::Opcode::close, codec::build_close_payload(code, "")));
  } else {
    finish(TcpEnd::closed_by_client);
  }
}

void LiveSession::finish(TcpEnd tcp, std::string error) {
  if (state_ == ReadyState::closed) return;
  close_.tcp = tcp;
  close_.tcp_error = std::move(error);
  set_state(ReadyState::closed);
  observer_.closed(close_);
}

}  // namespace wsprobe::session
