#include "session/heartbeat.h"

#include <fmt/format.h>

#include <algorithm>

namespace wsprobe::session {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds close_wait{2000};
constexpr std::uint16_t going_away = 1001;
constexpr std::uint16_t normal_closure = 1000;

class Run : public LiveObserver {
 public:
  Run(const HeartbeatSettings& settings, HeartbeatReporter& reporter, const std::atomic<bool>& stop)
      : settings_(settings),
        reporter_(reporter),
        stop_(stop),
        tracker_(static_cast<double>(settings.pong_timeout.count())) {}

  HeartbeatSummary run(LiveSession& live, codec::Bytes after_head) {
    live_ = &live;
    // Frames may have come with the handshake response (a pong, a Close): read now
    // that the pong matching can see the session.
    live.start(std::move(after_head));
    for (const auto& [type, payload] : settings_.send_on_open) live.send_message(type, payload);
    double next_ping = 0;
    const double duration_end = settings_.duration ? static_cast<double>(settings_.duration->count()) : 1e300;
    const double dead_after = static_cast<double>(settings_.dead_after.count());
    const double interval = static_cast<double>(settings_.interval.count());
    // Silence proves a dead peer only once a ping has waited for its answer: after
    // wsprobe itself was suspended (Ctrl-Z, a sleeping laptop) the peer gets a fresh ping.
    auto dead_at = [&]() -> std::optional<double> {
      if (!unanswered_since_) return std::nullopt;
      return std::max(last_heard_ + dead_after, *unanswered_since_ + std::min(interval, dead_after));
    };
    auto finish = [&](HeartbeatEnd end, std::uint16_t code) {
      if (ended_) return;
      ended_ = end;
      live.close(code, code == going_away ? "going away" : "");
    };

    while (live.state() != ReadyState::closed) {
      const double now = now_ms();
      if (net::Clock::now() >= settings_.deadline) {
        ended_ = ended_.value_or(HeartbeatEnd::timed_out);
        live.drop();
        break;
      }
      if (stop_) finish(HeartbeatEnd::interrupted, going_away);
      if (now >= duration_end) finish(HeartbeatEnd::duration, normal_closure);
      if (!settings_.idle && !ended_) {
        for (std::uint64_t sequence : tracker_.newly_late(now)) {
          reporter_.ping_late(sequence, static_cast<double>(settings_.pong_timeout.count()));
        }
        // --pings N: done once every pong came (late ones too; a peer that never answers is
        // found dead after --dead-after).
        if (settings_.count && tracker_.sent() >= *settings_.count && tracker_.outstanding() == 0) {
          finish(HeartbeatEnd::count, normal_closure);
        } else if (const auto dead = dead_at(); dead && now >= *dead) {
          reporter_.peer_dead(now - last_heard_);
          ended_ = HeartbeatEnd::peer_dead;
          live.drop();  // as a client does with a dead connection
          break;
        } else if (now >= next_ping && (!settings_.count || tracker_.sent() < *settings_.count)) {
          live.send_ping(tracker_.next_ping(now));
          // The write began before the pong could come back (on loopback the pong may
          // arrive during the send call itself): that is where the round trip starts.
          tracker_.written(ms_at(live.write_started_at()));
          if (!unanswered_since_) unanswered_since_ = ms_at(live.write_started_at());
          next_ping += interval;
          if (next_ping <= now) next_ping = now + interval;  // slots missed while suspended are not caught up
        }
      }
      // Only what is still ahead counts: a passed end or a ping no longer due would spin the loop.
      // The closing handshake's timeout is the session's own (LiveSession::wait).
      double wake = 1e300;
      if (!ended_) wake = std::min(wake, duration_end);
      if (!settings_.idle && !ended_) {
        const bool pings_left = !settings_.count || tracker_.sent() < *settings_.count;
        wake = std::min({wake, pings_left ? next_ping : 1e300, dead_at().value_or(1e300),
                         tracker_.next_late_at().value_or(1e300)});
      }
      live.wait(std::min(settings_.deadline, at(std::min(wake, now_ms() + 1000))));
    }

    for (const auto& [sequence, waited] : tracker_.finish(now_ms())) reporter_.ping_lost(sequence, waited);
    HeartbeatSummary summary;
    summary.end = ended_.value_or(HeartbeatEnd::peer_closed);
    summary.sent = tracker_.sent();
    summary.answered = tracker_.answered();
    summary.late = tracker_.late();
    summary.lost = tracker_.lost();
    summary.unmatched = tracker_.unmatched();
    summary.rtt = summarize_rtts(tracker_.rtts());
    summary.server_pings = server_pings_.size();
    summary.messages_received = live.stats().messages_received;
    if (server_pings_.size() > 1) {
      summary.server_ping_interval_ms =
          (server_pings_.back() - server_pings_.front()) / static_cast<double>(server_pings_.size() - 1);
    }
    summary.lived_ms = closed_at_ ? *closed_at_ : now_ms();
    summary.close = close_;
    reporter_.summary(summary);
    return summary;
  }

  // LiveObserver: everything received counts as a sign of life.
  void state(ReadyState state) override { reporter_.state(state); }
  void frame(bool outgoing, const codec::FrameHeader& header, codec::ByteView payload) override {
    reporter_.frame(outgoing, header, payload);
  }
  void message(codec::Opcode type, codec::ByteView payload) override {
    heard();
    reporter_.message(type, payload);
  }
  void ping(codec::ByteView) override {
    heard();
    server_pings_.push_back(last_heard_);
    reporter_.server_ping(last_heard_);
  }
  void pong(codec::ByteView payload) override {
    heard();
    // It ends when the socket turned readable, before reading and parsing (when that
    // wake-up came after the latest write; else now).
    const bool woken_for_it = live_->readable_at() >= live_->write_started_at();
    const PingTracker::PongMatch match =
        tracker_.pong(payload, woken_for_it ? ms_at(live_->readable_at()) : last_heard_);
    if (match.rtt_ms) {
      reporter_.pong_matched(*match.sequence, *match.rtt_ms, match.late);
    } else {
      reporter_.pong_unmatched(payload);
    }
  }
  void closed(const LiveClose& close) override {
    closed_at_ = now_ms();
    close_ = close;
    reporter_.closed(close);
  }

 private:
  void heard() {
    last_heard_ = now_ms();
    unanswered_since_.reset();
  }
  double now_ms() const { return net::elapsed_ms(started_); }
  double ms_at(net::Clock::time_point time) const { return net::elapsed_ms(started_, time); }
  // The clock time `ms` after the start.
  net::Clock::time_point at(double ms) const {
    return started_ + std::chrono::duration_cast<net::Clock::duration>(std::chrono::duration<double, std::milli>(ms));
  }

  const HeartbeatSettings& settings_;
  HeartbeatReporter& reporter_;
  const std::atomic<bool>& stop_;
  PingTracker tracker_;
  // Times are milliseconds since the session opened, which is when this object is made:
  // the bytes that came with the handshake response are read (and may end it) before run().
  const net::Clock::time_point started_ = net::Clock::now();
  double last_heard_ = 0;
  std::optional<double> unanswered_since_;  // the first ping sent since anything was heard
  std::vector<double> server_pings_;
  std::optional<HeartbeatEnd> ended_;
  std::optional<double> closed_at_;
  std::optional<LiveClose> close_;
  const LiveSession* live_ = nullptr;
};

}  // namespace

std::optional<Error> heartbeat_failure(const HeartbeatSummary& summary) {
  if (summary.end == HeartbeatEnd::timed_out) return Error(ErrorKind::timeout, "--timeout passed");
  const auto& rule = codec::rule_info(codec::Rule::pong_missing);
  const std::string lost = fmt::format("{} of {} {} got no pong ({}: {})", summary.lost, summary.sent,
                                       summary.sent == 1 ? "ping" : "pings", rule.section, rule.summary);
  if (summary.end == HeartbeatEnd::peer_dead) {
    return Error(ErrorKind::refused, summary.lost ? "the peer is dead: " + lost : std::string("the peer is dead"));
  }
  if (summary.close && summary.close->violation) {
    return Error(ErrorKind::refused, "the server broke a rule: " + summary.close->violation->describe());
  }
  if (summary.lost == 0) return std::nullopt;
  return Error(ErrorKind::refused, lost);
}

std::string_view heartbeat_end_name(HeartbeatEnd end) {
  switch (end) {
    case HeartbeatEnd::count: return "count";
    case HeartbeatEnd::duration: return "duration";
    case HeartbeatEnd::interrupted: return "interrupted";
    case HeartbeatEnd::peer_dead: return "peer_dead";
    case HeartbeatEnd::peer_closed: return "peer_closed";
    case HeartbeatEnd::timed_out: return "timed_out";
  }
  return "";
}

HeartbeatSummary run_heartbeat(net::Connection& connection, codec::Bytes after_head, codec::EngineOptions engine,
                               const HeartbeatSettings& settings, HeartbeatReporter& reporter,
                               const std::atomic<bool>& stop) {
  engine.close_timeout = close_wait;
  Run run(settings, reporter, stop);
  LiveSession live(connection, engine, run);
  return run.run(live, std::move(after_head));
}

}  // namespace wsprobe::session
