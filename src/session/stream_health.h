#pragma once
// What makes an event stream fail in production, judged from what arrives and when:
// response headers that delay or cache the stream, long gaps, and bursts after a
// silence (something between server and client buffering the stream). Pure: the
// caller passes arrival times in milliseconds on a monotonic clock.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/http.h"

namespace wsprobe::session {

struct HealthWarning {
  std::string id;       // "sse.burst", "sse.content-encoding", "sse.cache-control", "sse.charset"
  std::string message;  // one line, with the evidence
};

struct HealthSummary {
  std::uint64_t events = 0;
  std::uint64_t bytes = 0;
  std::optional<double> first_byte_ms;   // first connection: request start -> first body byte
  std::optional<double> first_event_ms;  // first connection: request start -> first event
  std::optional<double> longest_gap_ms;  // between two events, or a response head and its first event
  std::optional<double> mean_gap_ms;
  std::uint64_t bursts = 0;
};

class StreamHealth {
 public:
  // A burst: at least `burst_events` events within `burst_window_ms` after a silence
  // of at least `burst_silence_ms`.
  struct Thresholds {
    double burst_silence_ms = 1000;
    double burst_window_ms = 50;
    std::uint64_t burst_events = 3;
  };

  StreamHealth() = default;
  explicit StreamHealth(Thresholds thresholds) : thresholds_(thresholds) {}

  // A response was accepted at `at_ms` (the request started at `request_ms`).
  std::vector<HealthWarning> response(const codec::HeaderFields& headers, double request_ms, double at_ms);
  void body(std::uint64_t bytes, double at_ms);
  // An event was dispatched; returns a warning when it closes a burst.
  std::optional<HealthWarning> event(std::string_view id, double at_ms) {
    // The usual case on a fast stream, kept short: another event of the same read, with
    // no burst to follow and no first event to time.
    if (burst_count_ == 0 && !request_ms_ && last_mark_ms_ == at_ms && thresholds_.burst_silence_ms > 0) {
      ++summary_.events;
      ++gaps_;  // of zero
      return std::nullopt;
    }
    return timed_event(id, at_ms);
  }
  // The connection ended (before a reconnection or at the end): closes an open burst.
  std::optional<HealthWarning> connection_end();

  HealthSummary summary() const;
  std::uint64_t events() const { return summary_.events; }

 private:
  std::optional<HealthWarning> timed_event(std::string_view id, double at_ms);
  std::optional<HealthWarning> close_burst();

  Thresholds thresholds_;
  HealthSummary summary_;
  double gap_total_ms_ = 0;
  double longest_gap_ms_ = 0;
  std::uint64_t gaps_ = 0;
  std::optional<double> request_ms_;   // of the first connection, until its first event
  std::optional<double> last_mark_ms_; // the last event, or a fresh response head
  bool first_connection_ = true;

  // The burst under way: it started after a long silence.
  std::uint64_t burst_count_ = 0;
  double burst_start_ms_ = 0;
  double burst_last_ms_ = 0;
  double burst_silence_ms_ = 0;
  std::string burst_first_id_, burst_last_id_;
};

}  // namespace wsprobe::session
