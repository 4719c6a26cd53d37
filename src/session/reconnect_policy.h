#pragma once
// A client's reconnect policy, pure: retry every interval (or with exponential
// backoff up to a cap, with optional jitter), give up after a number of failed
// attempts in a row, and start counting again after every successful open.
#include <chrono>
#include <cstdint>
#include <optional>

namespace wsprobe::session {

struct ReconnectPolicySettings {
  std::chrono::milliseconds retry_interval{5000};
  std::uint64_t max_retries = 10;  // retries after failed attempts in a row: N + 1 attempts, then give up
  bool exponential = false;        // double the delay after each failure in a row
  std::chrono::milliseconds max_interval{60000};
  double jitter = 0;  // 0..1: each delay is drawn from [delay * (1 - jitter), delay]
};

class ReconnectPolicy {
 public:
  explicit ReconnectPolicy(ReconnectPolicySettings settings) : settings_(settings) {}

  // An attempt failed. Returns the delay before the next one, or nullopt: give up.
  // `random` in [0, 1) draws the jitter (the caller's generator keeps this pure).
  std::optional<std::chrono::milliseconds> failed(double random);
  // The connection that was open ended: the delay before reconnecting.
  std::chrono::milliseconds dropped(double random);
  // An attempt opened: the count of failures in a row starts again.
  void opened() { failures_in_a_row_ = 0; }

  std::uint64_t failures_in_a_row() const { return failures_in_a_row_; }

 private:
  std::chrono::milliseconds delay(double random) const;

  ReconnectPolicySettings settings_;
  std::uint64_t failures_in_a_row_ = 0;
};

}  // namespace wsprobe::session
