#include "codec/engine.h"

#include <algorithm>
#include <utility>

#include "codec/utf8.h"

namespace wsprobe::codec {
namespace {

constexpr std::size_t trace_preview_size = 64;
constexpr std::size_t max_close_reason = max_control_payload - 2;  // after the code (5.5.1)

// A Close reason that fits: cut on a code point boundary.
std::string_view close_reason(std::string_view text) {
  text = text.substr(0, max_close_reason);
  while (!is_valid_utf8(as_bytes(text))) text.remove_suffix(1);
  return text;
}

void append_preview(Bytes& preview, ByteView slice) {
  const std::size_t room = trace_preview_size - std::min(trace_preview_size, preview.size());
  preview.insert(preview.end(), slice.begin(), slice.begin() + static_cast<std::ptrdiff_t>(std::min(room, slice.size())));
}

}  // namespace

std::uint16_t CloseRecord::event_code() const {
  if (!received) return close_abnormal;
  return received->code.value_or(close_no_status_received);
}

bool CloseRecord::was_clean() const { return handshake_completed() && tcp == TcpEnd::closed_by_peer && !violation; }

ConnectionEngine::ConnectionEngine(const EngineOptions& options, EngineHandler& handler)
    : options_(options),
      handler_(handler),
      assembler_({.from = options.role == Role::client ? Role::server : Role::client,
                  .max_message_size = options.max_message_size,
                  .deflate = options.deflate,
                  .validate_utf8 = options.validate_utf8,
                  .ignore_reserved_bits = options.ignore_reserved_bits},
                 *this),
      encoder_({.as = options.role, .deflate = options.deflate, .mask_as_server = options.mask_as_server}) {}

void ConnectionEngine::receive_data(MutableByteView bytes, EngineTime now) {
  // A failed connection processes nothing more, a responding Close included (7.1.7).
  if (state_ == EngineState::closed || record_.violation || assembler_.failed()) return;
  now_ = now;
  assembler_.feed(bytes);
}

void ConnectionEngine::receive_eof(TcpEnd how, EngineTime now, std::string error) {
  if (state_ == EngineState::closed) return;
  if (close_started_) record_.tcp_end_after_ms = ms_since_close(now);
  finish(how, std::move(error));
}

void ConnectionEngine::advance(EngineTime now) {
  if (state_ == EngineState::closed || !close_deadline_ || now < *close_deadline_ || given_up_) return;
  // The peer's part of the closing handshake did not come in time, or it did not read
  // what we still had to send: we give up and close TCP. What is unsent by now stays so.
  given_up_ = true;
  if (!close_transport_) record_.timed_out = true;
  close_transport_ = true;
  output_.consume(output_.size());
}

std::optional<EngineTime> ConnectionEngine::next_deadline() const {
  if (state_ == EngineState::closed || given_up_) return std::nullopt;
  return close_deadline_;
}

void ConnectionEngine::send_message(Opcode type, ByteView payload, std::size_t fragment_size) {
  if (state_ != EngineState::open) return;
  queue_message(type, payload, fragment_size);
}

void ConnectionEngine::send_ping(ByteView payload) {
  if (state_ == EngineState::closed || record_.violation) return;
  queue_control(Opcode::ping, payload);
}

void ConnectionEngine::send_pong(ByteView payload) {
  // A pong is due until the peer's Close came (5.5.2).
  if (state_ == EngineState::closed || record_.violation || record_.received) return;
  queue_control(Opcode::pong, payload);
}

void ConnectionEngine::close(std::optional<std::uint16_t> code, std::string_view reason, EngineTime now) {
  if (state_ != EngineState::open) return;
  record_.sent = true;
  record_.sent_code = code;
  record_.sent_reason = std::string(reason);
  queue_control(Opcode::close, code ? build_close_payload(*code, reason) : Bytes());
  closing_started(now);
}

void ConnectionEngine::send_raw(ByteView frames, const std::optional<CloseFrame>& close, EngineTime now) {
  if (state_ == EngineState::closed) return;
  if (options_.trace_frames) trace_outgoing(frames);
  output_.append(frames);
  if (!close || record_.sent) return;
  record_.sent = true;
  record_.sent_code = close->code;
  record_.sent_reason = close->reason;
  if (state_ == EngineState::open) closing_started(now);
  if (record_.received) both_closes_exchanged();
}

void ConnectionEngine::drop(EngineTime now) {
  if (state_ == EngineState::closed) return;
  record_.dropped = true;
  output_.consume(output_.size());  // nothing more goes out
  close_transport_ = true;
  receive_eof(TcpEnd::closed_by_us, now);
}

void ConnectionEngine::queue_message(Opcode type, ByteView payload, std::size_t fragment_size) {
  Bytes& out = output_.appendable();
  const std::size_t start = out.size();
  encoder_.append_message(out, type, payload, fragment_size);
  if (options_.trace_frames) trace_outgoing(ByteView(out).subspan(start));
}

void ConnectionEngine::queue_control(Opcode type, ByteView payload) {
  Bytes& out = output_.appendable();
  const std::size_t start = out.size();
  encoder_.append_control(out, type, payload);
  if (options_.trace_frames) trace_outgoing(ByteView(out).subspan(start));
}

// Our own frames, parsed back: the trace shows exactly what was queued.
void ConnectionEngine::trace_outgoing(ByteView frames) {
  Bytes copy(frames.begin(), frames.end());
  FrameParser parser({options_.role, rsv1_bit | rsv2_bit | rsv3_bit});
  MutableByteView input(copy);
  Bytes preview;
  for (;;) {
    const FrameParser::Event event = parser.next(input);
    input = input.subspan(event.consumed);
    if (event.step == FrameParser::Step::need_more || event.step == FrameParser::Step::violation) return;
    if (event.step == FrameParser::Step::header) {
      preview.clear();
      if (parser.header().payload_length == 0) handler_.on_frame(true, parser.header(), preview);
      continue;
    }
    append_preview(preview, event.payload);
    if (event.frame_end) handler_.on_frame(true, parser.header(), preview);
  }
}

void ConnectionEngine::closing_started(EngineTime now) {
  state_ = EngineState::closing;
  close_started_ = now;
  close_deadline_ = now + options_.close_timeout;
}

void ConnectionEngine::both_closes_exchanged() {
  // The server closes TCP first (5.5.1, 7.1.1); a client waits for it until the deadline.
  if (options_.role == Role::server) close_transport_ = true;
}

void ConnectionEngine::finish(TcpEnd how, std::string error) {
  // A peer that kept TCP open past the closing handshake's timeout left it open: that
  // we closed it then is not news.
  record_.tcp = how == TcpEnd::closed_by_us && record_.timed_out ? TcpEnd::left_open : how;
  record_.tcp_error = std::move(error);
  state_ = EngineState::closed;
  handler_.on_closed(record_);
}

double ConnectionEngine::ms_since_close(EngineTime now) const {
  return std::chrono::duration<double, std::milli>(now - *close_started_).count();
}

void ConnectionEngine::on_frame(const FrameHeader& header) {
  if (!options_.trace_frames) return;
  tracing_ = header;
  trace_preview_.clear();
  trace_remaining_ = header.payload_length;
  if (trace_remaining_ == 0) {
    handler_.on_frame(false, header, trace_preview_);
    tracing_.reset();
  }
}

void ConnectionEngine::on_frame_payload(ByteView slice) {
  if (!tracing_) return;
  append_preview(trace_preview_, slice);
  trace_remaining_ -= slice.size();
  if (trace_remaining_ != 0) return;
  handler_.on_frame(false, *tracing_, trace_preview_);
  tracing_.reset();
}

void ConnectionEngine::on_message(Opcode type, ByteView payload) { handler_.on_message(type, payload); }

void ConnectionEngine::on_ping(ByteView payload) {
  handler_.on_ping(payload);
  if (options_.auto_pong) send_pong(payload);
}

void ConnectionEngine::on_pong(ByteView payload) { handler_.on_pong(payload); }

void ConnectionEngine::on_close(const CloseFrame& close) {
  if (record_.received) return;  // a second Close changes nothing
  record_.received = close;
  if (close_started_) record_.received_after_ms = ms_since_close(now_);
  handler_.on_close(close);
  if (!record_.sent && options_.answer_close) {
    // The peer closed first: answer with its code, as browsers do (5.5.1); an empty
    // Close answers an empty one.
    record_.peer_first = true;
    record_.sent = true;
    record_.sent_code = close.code;
    queue_control(Opcode::close, close.code ? build_close_payload(*close.code) : Bytes());
    closing_started(now_);
  }
  if (record_.sent) both_closes_exchanged();
}

void ConnectionEngine::on_violation(const Violation& violation) {
  if (record_.violation) return;
  record_.violation = violation;
  handler_.on_violation(violation);
  // After the peer's Close (frames after it): nothing to fail, the handshake goes on.
  if (record_.received) return;
  // Fail the connection (7.1.7): a Close with the rule's code (SHOULD), then TCP closes
  // without waiting for the peer's answer.
  if (state_ == EngineState::open) {
    // The reason says which rule, for the peer's logs.
    const std::uint16_t code = rule_info(violation.rule).close_code;
    const std::string description = violation.describe();
    record_.sent = true;
    record_.sent_code = code;
    record_.sent_reason = std::string(close_reason(description));
    queue_control(Opcode::close, build_close_payload(code, record_.sent_reason));
    closing_started(now_);
  }
  close_transport_ = true;
}

}  // namespace wsprobe::codec
