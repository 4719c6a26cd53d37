#include "output/heartbeat_report.h"

#include <fmt/format.h>

#include "output/clock_text.h"
#include "base/escape.h"
#include "output/frame_text.h"
#include "output/json.h"
#include "output/json_lines.h"
#include "output/session_json.h"
#include "output/style.h"
#include "output/words.h"
#include "output/verdict_text.h"

namespace wsprobe::output {
namespace {

std::string close_text(const session::LiveClose& close) {
  std::string text;
  if (close.received) {
    text = close.received->code ? fmt::format("Close {} \"{}\"", *close.received->code,
                                              escape_for_terminal(close.received->reason))
                                : std::string("an empty Close");
  }
  switch (close.tcp) {
    case session::TcpEnd::closed_by_peer: text += text.empty() ? "TCP FIN without a Close" : ", then TCP FIN"; break;
    case session::TcpEnd::reset: text += text.empty() ? "TCP RST without a Close" : ", then TCP RST"; break;
    case session::TcpEnd::left_open:
    case session::TcpEnd::closed_by_us: break;
  }
  return text;
}

class HumanHeartbeat : public session::HeartbeatReporter {
 public:
  HumanHeartbeat(const OutputOptions& options, bool idle, std::FILE* out)
      : options_(options), idle_(idle), out_(out), style_(Style::for_stream(out)) {}

  void state(session::ReadyState state) override {
    if (state == session::ReadyState::open) line(style_.dim(idle_ ? "OPEN, sending nothing" : "OPEN"));
  }
  void frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView payload) override {
    if (options_.verbose) line(style_.dim(frame_line(outgoing, header, payload)));
  }
  void message(codec::Opcode, codec::ByteView payload) override {
    line(style_.dim(fmt::format("message from the server ({} bytes)", payload.size())));
  }
  void ping(codec::ByteView) override {}
  void pong(codec::ByteView) override {}
  void closed(const session::LiveClose& close) override {
    if (close.violation) line(style_.bad("server broke a rule: " + close.violation->describe()));
    if (close.dropped || (!close.received && close.tcp == session::TcpEnd::closed_by_us)) return;
    line(fmt::format("closed by {}: {}", close.peer_first || !close.sent_code ? "the server" : "us",
                     close_text(close)));
  }
  void pong_matched(std::uint64_t sequence, double rtt_ms, bool late) override {
    line(fmt::format("ping {}: {:.3f} ms", sequence, rtt_ms) + (late ? style_.dim(" (late)") : ""));
  }
  void pong_unmatched(codec::ByteView payload) override {
    line("unsolicited pong: " + escape_for_terminal(codec::as_chars(payload)));
  }
  void ping_late(std::uint64_t sequence, double after_ms) override {
    line(style_.dim(fmt::format("ping {}: no pong yet after {:.0f} ms (--pong-timeout)", sequence, after_ms)));
  }
  void ping_lost(std::uint64_t sequence, double after_ms) override {
    const auto& rule = codec::rule_info(codec::Rule::pong_missing);
    line(style_.bad(fmt::format("ping {}: lost (no pong in the {:.0f} ms to the end; {} {} {})", sequence, after_ms,
                                rule.id, rule.section, codec::level_name(rule.level))));
  }
  void server_ping(double at_ms) override { line(style_.dim(fmt::format("server ping at {:.1f} s", at_ms / 1000))); }
  void peer_dead(double silent_ms) override {
    line(style_.bad(fmt::format("peer dead: nothing received for {:.0f} ms", silent_ms)));
  }
  void summary(const session::HeartbeatSummary& s) override {
    if (idle_) {
      const std::string pings = fmt::format(
          "the server pinged {}{}", counted(s.server_pings, "time"),
          s.server_ping_interval_ms ? fmt::format(" (every {:.0f} ms)", *s.server_ping_interval_ms) : "");
      if (s.end == session::HeartbeatEnd::duration || s.end == session::HeartbeatEnd::interrupted) {
        line(fmt::format("idle: still open after {:.3f} s ({}); {}", s.lived_ms / 1000,
                         end_words(session::heartbeat_end_name(s.end)), pings));
      } else {
        line(fmt::format("idle: the connection lived {:.3f} s, then the server ended it with {}; {}",
                         s.lived_ms / 1000, s.close ? close_text(*s.close) : std::string("nothing"), pings));
      }
      return;
    }
    std::string text = fmt::format("summary: {} sent, {} answered ({} late), {} lost", s.sent, s.answered, s.late, s.lost);
    if (s.rtt.samples) {
      text += fmt::format("; rtt min {:.3f} mean {:.3f} p50 {:.3f} p90 {:.3f} p99 {:.3f} max {:.3f} ms, jitter {:.3f} ms",
                          s.rtt.min_ms, s.rtt.mean_ms, s.rtt.p50_ms, s.rtt.p90_ms, s.rtt.p99_ms, s.rtt.max_ms,
                          s.rtt.jitter_ms);
    }
    text += fmt::format("; server pings {}", s.server_pings);
    if (s.server_ping_interval_ms) text += fmt::format(" (every {:.0f} ms)", *s.server_ping_interval_ms);
    if (s.unmatched) text += "; " + counted(s.unmatched, "unmatched pong");
    text += fmt::format("; ended: {}", end_words(session::heartbeat_end_name(s.end)));
    line(text);
  }

 private:
  void line(const std::string& text) {
    if (!options_.quiet) print_timed_line(out_, style_, text);
  }
  OutputOptions options_;
  bool idle_;
  std::FILE* out_;
  Style style_;
};

class JsonHeartbeat : public session::HeartbeatReporter {
 public:
  JsonHeartbeat(const OutputOptions& options, std::FILE* out) : options_(options), out_(out) {}

  void state(session::ReadyState state) override {
    JsonWriter json = json_event("state");
    json.field("state", session::ready_state_name(state));
    emit_json_line(json, out_);
  }
  void frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView payload) override {
    if (!options_.verbose) return;
    JsonWriter json = json_event("frame");
    frame_fields(json, outgoing, header, payload);
    emit_json_line(json, out_);
  }
  void message(codec::Opcode type, codec::ByteView payload) override {
    JsonWriter json = json_event("message");
    json.field("opcode", type == codec::Opcode::text ? "text" : "binary").field("size", std::uint64_t{payload.size()});
    emit_json_line(json, out_);
  }
  void ping(codec::ByteView) override {}
  void pong(codec::ByteView) override {}
  void closed(const session::LiveClose& close) override {
    JsonWriter json = json_event("close");
    close_fields(json, close);
    emit_json_line(json, out_);
  }
  void pong_matched(std::uint64_t sequence, double rtt_ms, bool late) override {
    JsonWriter json = json_event("pong");
    json.field("seq", sequence).field("rtt_ms", rtt_ms).field("late", late);
    emit_json_line(json, out_);
  }
  void pong_unmatched(codec::ByteView payload) override {
    JsonWriter json = json_event("unmatched_pong");
    json.field("data_hex", spaced_hex(payload));
    emit_json_line(json, out_);
  }
  void ping_late(std::uint64_t sequence, double after_ms) override {
    JsonWriter json = json_event("late");
    json.field("seq", sequence).field("after_ms", after_ms);
    emit_json_line(json, out_);
  }
  void ping_lost(std::uint64_t sequence, double after_ms) override {
    JsonWriter json = json_event("lost");
    json.field("seq", sequence).field("after_ms", after_ms);
    json.key("violation");
    write_violation(json, codec::Rule::pong_missing);
    emit_json_line(json, out_);
  }
  void server_ping(double at_ms) override {
    JsonWriter json = json_event("server_ping");
    json.field("at_ms", at_ms);
    emit_json_line(json, out_);
  }
  void peer_dead(double silent_ms) override {
    JsonWriter json = json_event("peer_dead");
    json.field("silent_ms", silent_ms);
    emit_json_line(json, out_);
  }
  void summary(const session::HeartbeatSummary& s) override {
    JsonWriter json = json_summary("heartbeat", run_end(session::heartbeat_end_name(s.end), session::heartbeat_failure(s)));
    json.field("sent", s.sent).field("answered", s.answered).field("late", s.late).field("lost", s.lost);
    json.field("unmatched", s.unmatched);
    // Without a single round trip there is no figure: null, not 0.
    const auto figure = [&s](double ms) { return s.rtt.samples ? std::optional<double>(ms) : std::nullopt; };
    json.key("rtt").begin_object().field("samples", s.rtt.samples);
    json.field("min_ms", figure(s.rtt.min_ms)).field("mean_ms", figure(s.rtt.mean_ms));
    json.field("p50_ms", figure(s.rtt.p50_ms)).field("p90_ms", figure(s.rtt.p90_ms));
    json.field("p99_ms", figure(s.rtt.p99_ms)).field("max_ms", figure(s.rtt.max_ms));
    json.field("jitter_ms", figure(s.rtt.jitter_ms)).end_object();
    json.field("server_pings", s.server_pings).field("server_ping_interval_ms", s.server_ping_interval_ms);
    json.field("messages_received", s.messages_received).field("lived_ms", s.lived_ms);
    emit_json_line(json, out_);
  }

 private:
  OutputOptions options_;
  std::FILE* out_;
};

}  // namespace

std::unique_ptr<session::HeartbeatReporter> make_heartbeat_reporter(const OutputOptions& options, bool idle,
                                                                    std::FILE* out) {
  if (options.json) return std::make_unique<JsonHeartbeat>(options, out);
  return std::make_unique<HumanHeartbeat>(options, idle, out);
}

}  // namespace wsprobe::output
