#pragma once
// A client that keeps a connection up under a reconnect policy, as real clients do:
// open, renew subscriptions (--send), watch the connection (optionally with a
// heartbeat), and when it ends, wait and open again; give up after too many
// failures in a row. Measured: connected time, disconnects by cause, recovery time.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/errors.h"
#include "session/heartbeat.h"
#include "session/opener.h"
#include "session/reconnect_policy.h"

namespace wsprobe::session {

struct ReconnectSettings {
  ReconnectPolicySettings policy;
  std::optional<std::chrono::milliseconds> heartbeat;  // ping interval while connected
  std::vector<std::pair<codec::Opcode, codec::Bytes>> send_on_open;
  std::optional<std::chrono::milliseconds> duration;
  net::Deadline deadline = net::Deadline::max();
};

enum class ReconnectEnd { duration, interrupted, gave_up, timed_out };
std::string_view reconnect_end_name(ReconnectEnd end);

struct ReconnectSummary {
  ReconnectEnd end = ReconnectEnd::duration;
  std::uint64_t attempts = 0, opens = 0, failures = 0;
  std::uint64_t failures_in_a_row = 0;  // at the end
  double total_ms = 0, connected_ms = 0;
  std::map<std::string, std::uint64_t> disconnects;  // by cause: "close 1001", "dropped", "reset", "dead"
  std::vector<double> recoveries_ms;                 // a connection ended -> the next one opened
  std::uint64_t messages_received = 0;
};

// What makes a reconnect run fail, if anything: giving up (3 when no connection ever
// opened, as sse; 1 when one that worked was lost) or a timeout.
std::optional<Error> reconnect_failure(const ReconnectSummary& summary);

class ReconnectReporter {
 public:
  virtual ~ReconnectReporter() = default;
  virtual void attempt(std::uint64_t number, double at_ms) = 0;
  virtual void opened(std::uint64_t attempt, double at_ms) = 0;
  virtual void failed(std::uint64_t attempt, const std::string& reason, std::uint64_t in_a_row,
                      std::optional<std::chrono::milliseconds> retry_in) = 0;
  virtual void closed(const std::string& cause, double lived_ms, std::optional<std::chrono::milliseconds> retry_in) = 0;
  virtual void summary(const ReconnectSummary& summary) = 0;
};

ReconnectSummary run_reconnect(const ReconnectSettings& settings, const Opener& open, ReconnectReporter& reporter,
                               const std::atomic<bool>& stop);

}  // namespace wsprobe::session
