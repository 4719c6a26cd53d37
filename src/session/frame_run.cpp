#include "session/frame_run.h"

#include <string>

namespace wsprobe::session {
namespace {

// The Close a crafted frame carries, as far as its payload says: a code when it has two
// bytes or more, the rest as its reason.
std::optional<codec::CloseFrame> crafted_close(const codec::BuiltFrame& frame) {
  if (frame.header.opcode != static_cast<std::uint8_t>(codec::Opcode::close)) return std::nullopt;
  codec::CloseFrame close;
  if (frame.payload.size() >= 2) {
    close.code = static_cast<std::uint16_t>(frame.payload[0] << 8 | frame.payload[1]);
    close.reason = std::string(codec::as_chars(frame.payload.subspan(2)));
  }
  return close;
}

bool is_valid_ping(const codec::BuiltFrame& frame) {
  return frame.header.opcode == static_cast<std::uint8_t>(codec::Opcode::ping) && frame.header.fin &&
         frame.header.rsv == 0 && frame.payload.size() <= codec::max_control_payload;
}

class Runner {
 public:
  Runner(net::Connection& connection, const FrameRunSettings& settings, FrameRun& run)
      : settings_(settings), run_(run), recorder_(run.reaction, settings.on_received),
        live_(connection, engine_options(settings.engine), recorder_) {}

  void go(codec::Bytes after_head) {
    live_.set_write_chunk(settings_.write_chunk);
    live_.start(std::move(after_head));
    for (const codec::FrameSpec& spec : settings_.specs) {
      read_until(std::min(settings_.deadline, net::Clock::now() + spec.delay));
      for (const codec::BuiltFrame& frame : codec::build_frames(spec)) {
        if (stopped()) break;
        write(spec, frame);
      }
      if (stopped()) break;
    }
    if (settings_.series) send_series(*settings_.series);
    read_until(std::min(settings_.deadline, net::Clock::now() + settings_.wait), true);
    run_.timed_out = net::Clock::now() >= settings_.deadline && !closed() && !run_.reaction.close &&
                     !run_.reaction.violation;
    if (!run_.timed_out) {
      run_.reaction.ended_by_us = live_.state() == ReadyState::open;
      live_.close(1000, "");
      read_until(settings_.deadline);
    }
    live_.drop();
  }

 private:
  static codec::EngineOptions engine_options(codec::EngineOptions options) {
    options.trace_frames = true;
    options.auto_pong = false;  // exactly the frames asked for
    return options;
  }

  bool closed() const { return live_.state() == ReadyState::closed; }
  // Frames still due when the deadline passes are not sent.
  bool stopped() const { return closed() || net::Clock::now() >= settings_.deadline; }

  void read_until(net::Deadline until, bool may_end_early = false) {
    while (!closed() && net::Clock::now() < until) {
      if (may_end_early && settings_.enough && settings_.enough(run_.reaction)) return;
      live_.wait(until);
      note_server_end();
    }
    note_server_end();
  }

  void note_server_end() {
    const Reaction& reaction = run_.reaction;
    const bool ended = reaction.close || reaction.violation || reaction.tcp != TcpEnd::left_open;
    if (ended && !reaction.ended_by_us && !run_.sent_when_server_ended) run_.sent_when_server_ended = run_.sent.size();
  }

  void send_series(const MessageSeriesToSend& series) {
    for (std::size_t index = 0; index < series.count && !stopped(); ++index) {
      live_.send_message(series.type, series.message(index), series.fragment_size);
      recorder_.frame_sent();
      while (run_.reaction.messages_received <= index && !stopped() && !run_.reaction.close) {
        live_.wait(settings_.deadline);
      }
    }
  }

  void write(const codec::FrameSpec& spec, const codec::BuiltFrame& frame) {
    if (settings_.on_sent) settings_.on_sent(frame.header, frame.payload);
    const std::optional<codec::CloseFrame> close = crafted_close(frame);
    // Pongs are due to a valid Ping sent before our Close (5.5.2).
    if (is_valid_ping(frame) && live_.state() == ReadyState::open) recorder_.ping_sent(frame.payload);
    if (close) recorder_.close_sent(close->code);
    if (spec.dribble.count() == 0) {
      live_.send_raw(frame.wire, close);
      run_.sent.insert(run_.sent.end(), frame.wire.begin(), frame.wire.end());
    } else {
      // A dribble may stop part way; what was written counts byte by byte.
      for (std::size_t written = 0; written < frame.wire.size() && !stopped(); ++written) {
        const bool last = written + 1 == frame.wire.size();
        live_.send_raw(codec::ByteView(frame.wire).subspan(written, 1), last ? close : std::nullopt);
        run_.sent.push_back(frame.wire[written]);
        read_until(std::min(settings_.deadline, net::Clock::now() + spec.dribble));
      }
    }
    recorder_.frame_sent();
  }

  const FrameRunSettings& settings_;
  FrameRun& run_;
  ReactionRecorder recorder_;
  LiveSession live_;
};

}  // namespace

FrameRun run_frames(net::Connection& connection, codec::Bytes after_head, const FrameRunSettings& settings) {
  FrameRun run;
  Runner(connection, settings, run).go(std::move(after_head));
  return run;
}

}  // namespace wsprobe::session
