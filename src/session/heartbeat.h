#pragma once
// Liveness as real clients measure it: a ping every interval, pongs matched to pings,
// pings lost after a timeout, the peer declared dead after a silence; or (idle) no
// traffic at all, to see how long an intermediary lets a quiet connection live.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/errors.h"
#include "session/live_session.h"
#include "session/ping_tracker.h"

namespace wsprobe::session {

struct HeartbeatSettings {
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds pong_timeout{5000};
  std::chrono::milliseconds dead_after{10000};  // nothing received for this long: the peer is dead
  std::optional<std::uint64_t> count;           // pings to send
  std::optional<std::chrono::milliseconds> duration;
  bool idle = false;  // send no pings
  std::vector<std::pair<codec::Opcode, codec::Bytes>> send_on_open;  // messages sent once the session opens
  net::Deadline deadline = net::Deadline::max();
};

enum class HeartbeatEnd { count, duration, interrupted, peer_dead, peer_closed, timed_out };
std::string_view heartbeat_end_name(HeartbeatEnd end);

struct HeartbeatSummary {
  HeartbeatEnd end = HeartbeatEnd::count;
  std::uint64_t sent = 0, answered = 0, late = 0, lost = 0, unmatched = 0;  // late pongs are answered too
  RttSummary rtt;
  std::uint64_t server_pings = 0;
  std::uint64_t messages_received = 0;
  std::optional<double> server_ping_interval_ms;  // mean time between the server's pings
  double lived_ms = 0;                            // open -> closed (or the end of the run)
  std::optional<LiveClose> close;                 // how the connection ended, when it did
};

// What makes a heartbeat run fail, if anything: a timeout, a dead peer, a rule the
// server broke, or lost pings. The summary's exit code and the command's error.
std::optional<Error> heartbeat_failure(const HeartbeatSummary& summary);

class HeartbeatReporter : public LiveObserver {
 public:
  // A pong for one of our pings; `late` when it came after the pong timeout (its round
  // trip counts all the same).
  virtual void pong_matched(std::uint64_t sequence, double rtt_ms, bool late) = 0;
  virtual void pong_unmatched(codec::ByteView payload) = 0;
  // A ping's pong timeout passed without one: it may still come.
  virtual void ping_late(std::uint64_t sequence, double after_ms) = 0;
  // The run ended, or the peer died, before this ping's pong came.
  virtual void ping_lost(std::uint64_t sequence, double after_ms) = 0;
  virtual void server_ping(double at_ms) = 0;
  virtual void peer_dead(double silent_ms) = 0;
  virtual void summary(const HeartbeatSummary& summary) = 0;
};

// Opens a live session on the connection (after its handshake) and runs until an
// end; returns the summary (also reported). Ctrl-C closes with 1001, as a browser
// leaving the page does.
// `engine.trace_frames` asks for -v frame lines.
HeartbeatSummary run_heartbeat(net::Connection& connection, codec::Bytes after_head, codec::EngineOptions engine,
                               const HeartbeatSettings& settings, HeartbeatReporter& reporter,
                               const std::atomic<bool>& stop);

}  // namespace wsprobe::session
