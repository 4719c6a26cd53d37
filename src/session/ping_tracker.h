#pragma once
// Heartbeat bookkeeping, pure: which pings are outstanding, which pong answers which
// ping (by the sequence number in the payload), which pings are lost, and round-trip
// statistics. The caller passes the times (milliseconds on a monotonic clock).
#include <cstdint>
#include <map>
#include <optional>
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
    bool late = false;  // it answers a ping already counted as lost
  };
  PongMatch pong(codec::ByteView payload, double now_ms);

  // Pings outstanding for longer than the pong timeout, now counted as lost.
  std::vector<std::uint64_t> expire(double now_ms);
  // When the oldest outstanding ping will be lost; nullopt with none outstanding.
  std::optional<double> next_expiry() const;

  std::uint64_t sent() const { return next_sequence_ - 1; }
  std::uint64_t answered() const { return rtts_.size(); }
  std::uint64_t lost() const { return lost_; }
  std::uint64_t unmatched() const { return unmatched_; }
  const std::vector<double>& rtts() const { return rtts_; }

 private:
  double pong_timeout_ms_;
  std::uint64_t next_sequence_ = 1;
  std::map<std::uint64_t, double> outstanding_;  // sequence -> sent at
  std::map<std::uint64_t, double> lost_at_;      // lost pings, for late pongs
  std::vector<double> rtts_;
  std::uint64_t lost_ = 0;
  std::uint64_t unmatched_ = 0;
};

}  // namespace wsprobe::session
