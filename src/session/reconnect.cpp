#include "session/reconnect.h"

#include <fmt/format.h>

#include <random>
#include <thread>

#include "base/errors.h"

namespace wsprobe::session {
namespace {

using std::chrono::milliseconds;

// A heartbeat run inside reconnect reports nothing of its own: the timeline says
// what matters (how each connection ended).
class Silent : public HeartbeatReporter {
 public:
  void state(ReadyState) override {}
  void frame(bool, const codec::FrameHeader&, codec::ByteView) override {}
  void message(codec::Opcode, codec::ByteView) override {}
  void ping(codec::ByteView) override {}
  void pong(codec::ByteView) override {}
  void closed(const LiveClose&) override {}
  void pong_matched(std::uint64_t, double, bool) override {}
  void pong_unmatched(codec::ByteView) override {}
  void ping_late(std::uint64_t, double) override {}
  void ping_lost(std::uint64_t, double) override {}
  void server_ping(double) override {}
  void peer_dead(double) override {}
  void summary(const HeartbeatSummary&) override {}
};

std::string cause_of(const HeartbeatSummary& summary) {
  if (summary.end == HeartbeatEnd::peer_dead) return "dead";
  if (!summary.close) return "ended";
  const LiveClose& close = *summary.close;
  if (close.violation) return "violation";  // we failed the connection: the server broke a rule
  if (close.received) {
    return close.received->code ? "close " + std::to_string(*close.received->code) : std::string("close");
  }
  return close.tcp == TcpEnd::reset ? "reset" : "dropped";
}

}  // namespace

std::optional<Error> reconnect_failure(const ReconnectSummary& summary) {
  if (summary.end == ReconnectEnd::timed_out) return Error(ErrorKind::timeout, "--timeout passed");
  // Stopping is the user's choice; stopping before anything ever opened is no success.
  if (summary.end == ReconnectEnd::interrupted && summary.opens == 0) {
    return Error(ErrorKind::connect, "interrupted before any connection opened");
  }
  if (summary.end != ReconnectEnd::gave_up) return std::nullopt;
  return Error(summary.opens == 0 ? ErrorKind::connect : ErrorKind::refused,
               fmt::format("gave up after {} {} ({} failed {} in a row)", summary.failures_in_a_row - 1,
                           summary.failures_in_a_row == 2 ? "retry" : "retries", summary.failures_in_a_row,
                           summary.failures_in_a_row == 1 ? "attempt" : "attempts"));
}

std::string_view reconnect_end_name(ReconnectEnd end) {
  switch (end) {
    case ReconnectEnd::duration: return "duration";
    case ReconnectEnd::interrupted: return "interrupted";
    case ReconnectEnd::gave_up: return "gave_up";
    case ReconnectEnd::timed_out: return "timed_out";
  }
  return "";
}

ReconnectSummary run_reconnect(const ReconnectSettings& settings, const Opener& open, ReconnectReporter& reporter,
                               const std::atomic<bool>& stop) {
  const auto started = net::Clock::now();
  const net::Deadline run_end =
      std::min(settings.deadline, settings.duration ? started + *settings.duration : net::Deadline::max());
  auto now_ms = [&] { return net::elapsed_ms(started); };
  std::mt19937_64 random(std::random_device{}());
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  ReconnectPolicy policy(settings.policy);
  ReconnectSummary summary;
  std::optional<double> lost_at;  // when the last open connection ended
  Silent silent;

  auto wait = [&](milliseconds delay) {
    const auto wake = std::min(run_end, net::Clock::now() + delay);
    while (net::Clock::now() < wake && !stop) std::this_thread::sleep_for(milliseconds(10));
  };
  // The run's bound: --duration, or --timeout when it comes first (or alone).
  const ReconnectEnd bound = run_end == settings.deadline ? ReconnectEnd::timed_out : ReconnectEnd::duration;
  auto ended = [&]() -> std::optional<ReconnectEnd> {
    if (stop) return ReconnectEnd::interrupted;
    if (net::Clock::now() >= run_end) return bound;
    return std::nullopt;
  };

  while (!ended()) {
    ++summary.attempts;
    reporter.attempt(summary.attempts, now_ms());
    OpenedConnection opened;
    try {
      opened = open(run_end);
    } catch (const Error& failure) {
      if (failure.kind() == ErrorKind::usage) throw;  // a bad URL or option fails every attempt alike
      ++summary.failures;
      const auto retry_in = policy.failed(unit(random));
      summary.failures_in_a_row = policy.failures_in_a_row();
      reporter.failed(summary.attempts, failure.what(), policy.failures_in_a_row(), retry_in);
      if (!retry_in) {
        summary.end = ReconnectEnd::gave_up;
        break;
      }
      wait(*retry_in);
      continue;
    }
    policy.opened();
    summary.failures_in_a_row = 0;
    ++summary.opens;
    const double opened_at = now_ms();
    if (lost_at) summary.recoveries_ms.push_back(opened_at - *lost_at);
    reporter.opened(summary.attempts, opened_at);

    HeartbeatSettings watch;
    watch.idle = !settings.heartbeat;
    if (settings.heartbeat) {
      watch.interval = *settings.heartbeat;
      watch.pong_timeout = *settings.heartbeat;
      watch.dead_after = 2 * *settings.heartbeat;
    }
    watch.send_on_open = settings.send_on_open;
    watch.deadline = settings.deadline;
    watch.duration = std::chrono::duration_cast<milliseconds>(run_end - net::Clock::now());
    const HeartbeatSummary session =
        run_heartbeat(*opened.connection, std::move(opened.after_head), opened.engine, watch, silent, stop);
    summary.connected_ms += session.lived_ms;
    summary.messages_received += session.messages_received;
    if (session.end == HeartbeatEnd::duration || session.end == HeartbeatEnd::interrupted ||
        session.end == HeartbeatEnd::timed_out) {
      break;  // the run ends, not the connection
    }
    lost_at = now_ms();
    const std::string cause = cause_of(session);
    ++summary.disconnects[cause];
    const milliseconds retry_in = policy.dropped(unit(random));
    reporter.closed(cause, session.lived_ms, retry_in);
    wait(retry_in);
  }
  if (summary.end != ReconnectEnd::gave_up) summary.end = ended().value_or(bound);
  summary.total_ms = now_ms();
  reporter.summary(summary);
  return summary;
}

}  // namespace wsprobe::session
