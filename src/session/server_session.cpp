#include "session/server_session.h"

#include <array>
#include <utility>

#include "codec/close.h"
#include "codec/extensions.h"
#include "codec/frame.h"
#include "codec/handshake.h"
#include "codec/http_syntax.h"
#include "codec/utf8.h"
#include "base/escape.h"

namespace wsprobe::session {
namespace {

using codec::ByteView;

constexpr std::uint16_t close_going_away = 1001;

}  // namespace

std::span<const std::string_view> protocol_fault_names() {
  static constexpr std::string_view names[] = {
      "no-echo",          "corrupt-echo",      "pong-other",         "masked-frames",         "accept-invalid-utf8",
      "ignore-reserved-bits", "no-close-reply", "invalid-close-code", "data-after-close",     "wrong-accept",
      "no-version-list",  "accept-any-version", "accept-bad-key",     "unoffered-subprotocol", "accept-any-extension",
      "non-minimal-length", "reserved-bits-on-echo", "echo-as-binary"};
  return names;
}

ServerSession::ServerSession(const ServerSessionOptions& options, bool refused) : options_(options), refuse_(refused) {}

void ServerSession::receive(codec::MutableByteView bytes, Clock::time_point now) {
  now_ = now;
  if (phase_ == Phase::handshake) {
    const codec::RequestHeadParser::Event event = head_parser_.next(bytes);
    switch (event.step) {
      case codec::RequestHeadParser::Step::need_more:
        return;
      case codec::RequestHeadParser::Step::violation:
        return answer(codec::answer_malformed_head(head_parser_.violation()));
      case codec::RequestHeadParser::Step::complete:
        if (refuse_) {
          output_.append(codec::as_bytes(std::string_view(
              "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 28\r\n"
              "Connection: close\r\n\r\nrefused on purpose (--refuse-first)")));
          phase_ = Phase::closing;
          log_.push_back("refused 503 (--refuse-first)");
          return;
        }
        sse_ = SseEndpoint::for_request(head_parser_.head(), options_.sse, now);
        if (sse_) return start_stream();
        answer(answer_with_faults(head_parser_.head()));
        bytes = bytes.subspan(event.consumed);
        break;
    }
  }
  if (phase_ != Phase::open || bytes.empty()) return;
  last_frame_at_ = now;  // the client is active: a frame is on its way
  engine_->receive_data(bytes, now);
  if (std::exchange(data_after_close_due_, false)) {
    engine_->output().append(codec::build_frame({.opcode = static_cast<std::uint8_t>(codec::Opcode::text)},
                                                codec::as_bytes("after the close")));
  }
  follow_engine();
}

void ServerSession::follow_engine() {
  if (phase_ == Phase::open && engine_->state() != codec::EngineState::open) phase_ = Phase::closing;
}

// Whatever the client sends during a stream is ignored; reading goes on only to see it leave.
void ServerSession::start_stream() {
  output_.append(codec::as_bytes(sse_->start()));
  log_.push_back(wsprobe::escape_for_terminal(sse_->describe()));
  phase_ = sse_->next_due() ? Phase::streaming : Phase::closing;
}

std::optional<ServerSession::Clock::time_point> ServerSession::next_wakeup() const {
  if (phase_ == Phase::streaming) return sse_->next_due();
  if (phase_ != Phase::open) return std::nullopt;
  const ServerFaults& faults = options_.faults;
  std::optional<Clock::time_point> next;
  auto consider = [&next](Clock::time_point when) { next = next ? std::min(*next, when) : when; };
  if (faults.drop_after) consider(opened_at_ + *faults.drop_after);
  if (faults.close_after && !close_sent_by_fault_) consider(opened_at_ + *faults.close_after);
  if (faults.idle_timeout) consider(last_frame_at_ + *faults.idle_timeout);
  if (next_ping_) consider(*next_ping_);
  for (const auto& [due, payload] : delayed_pongs_) consider(due);
  return next;
}

void ServerSession::play_faults(Clock::time_point now) {
  const ServerFaults& faults = options_.faults;
  for (auto it = delayed_pongs_.begin(); it != delayed_pongs_.end();) {
    if (it->first > now) {
      ++it;
      continue;
    }
    engine_->send_pong(it->second);
    it = delayed_pongs_.erase(it);
  }
  if (next_ping_ && now >= *next_ping_) {
    if (output().size() < net::output_high_water) engine_->send_ping(codec::as_bytes("wsprobe serve"));
    *next_ping_ = std::max(*next_ping_ + *faults.ping_interval, now + *faults.ping_interval);
  }
  if (faults.drop_after && now >= opened_at_ + *faults.drop_after) {
    phase_ = Phase::closing;  // no Close: the loop closes TCP once the output is out
    log_.push_back("dropped TCP without a Close (--drop-after)" + after_messages());
  } else if (faults.close_after && !close_sent_by_fault_ && now >= opened_at_ + *faults.close_after) {
    close_sent_by_fault_ = true;
    send_close(faults.close_code, "close-after");
    log_.push_back("closed " + std::to_string(faults.close_code) + " by server (--close-after)" + after_messages());
  } else if (faults.idle_timeout && now >= last_frame_at_ + *faults.idle_timeout) {
    send_close(1001, "idle timeout");
    log_.push_back("closed 1001 by server (--idle-timeout)" + after_messages());
  }
}

void ServerSession::wake(Clock::time_point now) {
  now_ = now;
  if (phase_ == Phase::open) return play_faults(now);
  if (phase_ != Phase::streaming) return;
  // The stream waits for a client that does not read, at its cadence; it does not pile up.
  if (output_.size() >= net::output_high_water) return sse_->postpone(now);
  output_.append(codec::as_bytes(sse_->due(now)));
  if (sse_->next_due()) return;
  phase_ = Phase::closing;  // the server ends the body
  log_.push_back("sse ended by server after " + std::to_string(sse_->events_sent()) + " events");
}

void ServerSession::answer(const codec::HandshakeAnswer& answer) {
  if (!answer.accepted()) output_.append(codec::as_bytes(answer.response));
  if (answer.accepted()) {
    phase_ = Phase::open;
    opened_at_ = last_frame_at_ = now_;
    if (options_.faults.ping_interval) next_ping_ = now_ + *options_.faults.ping_interval;
    const ServerFaults& faults = options_.faults;
    engine_.emplace(
        codec::EngineOptions{
            .role = codec::Role::server,
            .max_message_size = options_.max_message_size,
            .deflate = answer.deflate,
            .auto_pong = !faults.no_pong && !faults.pong_delay && !faults.plays(ProtocolFault::pong_other),
            .answer_close = !faults.plays(ProtocolFault::no_close_reply) &&
                            !faults.plays(ProtocolFault::invalid_close_code),
            .validate_utf8 = !faults.plays(ProtocolFault::accept_invalid_utf8),
            .ignore_reserved_bits = faults.plays(ProtocolFault::ignore_reserved_bits),
            .mask_as_server = faults.plays(ProtocolFault::masked_frames)},
        static_cast<codec::EngineHandler&>(*this));  // a private base: convertible here only
    engine_->output().append(codec::as_bytes(answer.response));
    std::string line = "upgraded " + wsprobe::escape_for_terminal(head_parser_.head().target);
    if (answer.subprotocol) line += " subprotocol=" + wsprobe::escape_for_terminal(*answer.subprotocol);
    if (answer.deflate) line += " extensions=" + codec::format_extensions({codec::to_extension(*answer.deflate)});
    log_.push_back(std::move(line));
  } else {
    phase_ = Phase::closing;
    log_.push_back("refused " + std::to_string(answer.status) + " " + wsprobe::escape_for_terminal(answer.refusal));
  }
}

void ServerSession::on_message(codec::Opcode type, ByteView payload) {
  if (engine_->state() != codec::EngineState::open) return;
  ++messages_;
  if (options_.faults.plays(ProtocolFault::no_echo)) return;
  if (options_.faults.plays(ProtocolFault::corrupt_echo) && !payload.empty()) {
    codec::Bytes changed(payload.begin(), payload.end());
    changed[0] ^= 0x01;  // keeps ASCII text valid UTF-8
    return echo(type, changed);
  }
  echo(type, payload);
}

// An echo as it should be, or as a frame fault writes it (uncompressed, one frame).
void ServerSession::echo(codec::Opcode type, ByteView payload) {
  const ServerFaults& faults = options_.faults;
  if (faults.plays(ProtocolFault::echo_as_binary)) type = codec::Opcode::binary;
  const bool short_frame = payload.size() < 126;
  const bool crafted = faults.plays(ProtocolFault::reserved_bits_on_echo) ||
                       (faults.plays(ProtocolFault::non_minimal_length) && short_frame);
  if (!crafted) return engine_->send_message(type, payload);
  codec::FrameHeader header{.opcode = static_cast<std::uint8_t>(type), .payload_length = payload.size()};
  if (faults.plays(ProtocolFault::reserved_bits_on_echo)) header.rsv = codec::rsv2_bit;
  std::array<std::uint8_t, codec::max_frame_header_size> head{};
  const std::size_t head_size = codec::write_frame_header(
      header, head, faults.plays(ProtocolFault::non_minimal_length) && short_frame ? codec::LengthEncoding::extended16
                                                                                 : codec::LengthEncoding::minimal);
  codec::Bytes frame(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(head_size));
  frame.insert(frame.end(), payload.begin(), payload.end());
  engine_->send_raw(frame, std::nullopt, now_);
}

// The request as the faults that accept what must be refused rewrite it, and the
// answer as the faults that spoil a 101 or a refusal change it.
codec::HandshakeAnswer ServerSession::answer_with_faults(const codec::RequestHead& request) const {
  const ServerFaults& faults = options_.faults;
  codec::RequestHead taken = request;
  auto replace = [&taken](std::string_view name, std::string value) {
    std::erase_if(taken.fields, [name](const codec::HeaderField& field) { return codec::iequals(field.name, name); });
    taken.fields.push_back({std::string(name), std::move(value)});
  };
  if (faults.plays(ProtocolFault::accept_any_version)) replace("Sec-WebSocket-Version", "13");
  const std::vector<std::string_view> keys = codec::field_values(request.fields, "Sec-WebSocket-Key");
  if (faults.plays(ProtocolFault::accept_bad_key) && (keys.size() != 1 || !codec::is_valid_key(keys.front()))) {
    replace("Sec-WebSocket-Key", codec::make_key({}));
  }
  codec::HandshakeAnswer answer = codec::answer_handshake(taken, options_.handshake);
  auto add_field = [&answer](const std::string& line) {
    answer.response.insert(answer.response.size() - 2, line + "\r\n");  // before the empty line
  };
  if (answer.status == 426 && faults.plays(ProtocolFault::no_version_list)) {
    const std::size_t at = answer.response.find("Sec-WebSocket-Version: 13\r\n");
    if (at != std::string::npos) answer.response.erase(at, std::string_view("Sec-WebSocket-Version: 13\r\n").size());
  }
  if (!answer.accepted()) return answer;
  if (faults.plays(ProtocolFault::wrong_accept)) {
    const std::size_t at = answer.response.find("Sec-WebSocket-Accept: ");
    answer.response.replace(at, answer.response.find("\r\n", at) - at,
                            "Sec-WebSocket-Accept: " + codec::accept_for_key("not the key that was sent"));
  }
  if (faults.plays(ProtocolFault::unoffered_subprotocol) && !answer.subprotocol) {
    add_field("Sec-WebSocket-Protocol: wsprobe-unoffered");
  }
  const std::optional<std::string> offered = codec::combined_field_value(request.fields, "Sec-WebSocket-Extensions");
  if (faults.plays(ProtocolFault::accept_any_extension) && offered && !answer.deflate) {
    const std::string first = offered->substr(0, offered->find_first_of(",; "));
    if (codec::is_token(first)) add_field("Sec-WebSocket-Extensions: " + first);
  }
  return answer;
}

// The engine answers pings itself unless a fault decides (--no-pong, --pong-delay, --fault pong-other).
void ServerSession::on_ping(ByteView payload) {
  if (engine_->state() != codec::EngineState::open) return;
  if (options_.faults.plays(ProtocolFault::pong_other)) return engine_->send_pong(codec::as_bytes("xyz"));
  if (!options_.faults.pong_delay) return;
  if (++pings_seen_ % std::max<std::uint64_t>(options_.faults.pong_delay_every, 1) != 0) {
    return engine_->send_pong(payload);
  }
  // A client flooding pings gets no more pongs than this in flight (5.5.3 lets an
  // endpoint answer only the latest ping).
  constexpr std::size_t max_delayed_pongs = 1024;
  if (delayed_pongs_.size() >= max_delayed_pongs) delayed_pongs_.erase(delayed_pongs_.begin());
  delayed_pongs_.emplace_back(now_ + *options_.faults.pong_delay, codec::Bytes(payload.begin(), payload.end()));
}

// The engine echoes the code, as 5.5.1 suggests, and closes TCP after it.
void ServerSession::on_close(const codec::CloseFrame& close) {
  if (phase_ != Phase::open) return;
  play_close_faults();
  log_.push_back("closed " + std::to_string(close.code.value_or(codec::close_no_status_received)) + " by client" +
                 after_messages());
}

// The engine fails the connection: a Close with the rule's code and the rule as its reason.
// Frames after the client's Close are not the server's concern: it is closing (1.4).
void ServerSession::on_violation(const codec::Violation& violation) {
  if (phase_ != Phase::open || engine_->close_record().received) return;
  log_.push_back("closed " + std::to_string(codec::rule_info(violation.rule).close_code) + ": " +
                 wsprobe::escape_for_terminal(violation.describe()));
}

void ServerSession::go_away() {
  if (phase_ == Phase::streaming) {
    phase_ = Phase::closing;
    log_.push_back("sse ended by server (shutting down) after " + std::to_string(sse_->events_sent()) + " events");
    return;
  }
  if (phase_ != Phase::open) return;
  send_close(close_going_away, "server shutting down");
  log_.push_back("closed " + std::to_string(close_going_away) + " by server (shutting down)" + after_messages());
}

void ServerSession::connection_lost(std::string_view why) {
  const std::string escaped = wsprobe::escape_for_terminal(why);
  if (phase_ == Phase::handshake) log_.push_back("no handshake: " + escaped);
  if (phase_ == Phase::open) {
    log_.push_back("closed " + std::to_string(codec::close_abnormal) + after_messages() + ": " + escaped);
  }
  if (phase_ == Phase::streaming) {
    log_.push_back("sse ended after " + std::to_string(sse_->events_sent()) + " events: " + escaped);
  }
  phase_ = Phase::closing;
}

std::vector<std::string> ServerSession::take_log() { return std::exchange(log_, {}); }

void ServerSession::send_close(std::uint16_t code, std::string_view reason) {
  engine_->close(code, reason, now_);
  follow_engine();
}

// Faults in the server's part of the closing handshake. A Close with 1005, which no
// endpoint may send, in place of the engine's answer; or data after the answer, which
// the engine queues right after this.
void ServerSession::play_close_faults() {
  const ServerFaults& faults = options_.faults;
  if (faults.plays(ProtocolFault::invalid_close_code)) {
    engine_->send_raw(codec::build_frame({.opcode = static_cast<std::uint8_t>(codec::Opcode::close)},
                                         codec::build_close_payload(1005)),
                      codec::CloseFrame{1005, ""}, now_);
  }
  if (faults.plays(ProtocolFault::data_after_close)) data_after_close_due_ = true;
}

std::string ServerSession::after_messages() const {
  return " after " + std::to_string(messages_) + (messages_ == 1 ? " message" : " messages");
}

}  // namespace wsprobe::session
