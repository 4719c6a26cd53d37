#pragma once
// Heartbeat bookkeeping, pure: which pings are outstanding, which pong answers which
// ping (by the sequence number in the payload), which are late, which lost, and
// round-trip statistics. The caller passes the times (milliseconds, monotonic clock).
//
// A pong that comes after the pong timeout is late, and its round trip counts like any
// other: leaving it out would bias the figures toward fast pongs. A ping is lost only
// when its pong never came before the run ended (finish).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "codec/bytes.h"

namespace wsprobe::session {

struct RttSummary {
  std::uint64_t samples = 0;
  double min_ms = 0, mean_ms = 0, p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  double jitter_ms = 0;  // mean absolute difference between consecutive round trips (RFC 3550's idea)
};

// Nearest-rank percentiles over the samples, in the order they were taken.
RttSummary summarize_rtts(const std::vector<double>& samples);

class PingTracker {
 public:
  explicit PingTracker(double pong_timeout_ms) : pong_timeout_ms_(pong_timeout_ms) {}

  // The payload of the next ping ("wsprobe 17"), recorded as sent at `now_ms`.
  codec::Bytes next_ping(double now_ms);
  // The latest ping's write began at `at_ms`: round trips count from the wire, not
  // from the moment the frame was built.
  void written(double at_ms);

  struct PongMatch {
    std::optional<std::uint64_t> sequence;  // the ping it answers; nullopt: unsolicited or unknown
    std::optional<double> rtt_ms;
    bool late = false;  // it came after the pong timeout
  };
  PongMatch pong(codec::ByteView payload, double now_ms);

  // Pings outstanding for longer than the pong timeout, now late (once each).
  std::vector<std::uint64_t> newly_late(double now_ms);
  // When the next outstanding ping turns late; nullopt when none is on time still.
  std::optional<double> next_late_at() const;
  // The run is over: the pings still outstanding are lost. Each, with how long it waited.
  std::vector<std::pair<std::uint64_t, double>> finish(double now_ms);

  std::uint64_t sent() const { return next_sequence_ - 1; }
  std::uint64_t outstanding() const { return outstanding_.size(); }
  std::uint64_t answered() const { return rtts_.size(); }
  std::uint64_t late() const { return late_answered_; }
  std::uint64_t lost() const { return lost_; }
  std::uint64_t unmatched() const { return unmatched_; }
  const std::vector<double>& rtts() const { return rtts_; }

 private:
  double pong_timeout_ms_;
  std::uint64_t next_sequence_ = 1;
  std::map<std::uint64_t, double> outstanding_;  // sequence -> sent at
  std::set<std::uint64_t> late_;                 // outstanding past the pong timeout
  std::vector<double> rtts_;
  std::uint64_t late_answered_ = 0;
  std::uint64_t lost_ = 0;
  std::uint64_t unmatched_ = 0;
};

}  // namespace wsprobe::session
