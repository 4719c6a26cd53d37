#pragma once
// The built-in server's event stream, GET /sse: numbered events every interval, ids
// resumed after Last-Event-ID, and test faults chosen by the query string so that
// every rule of an EventSource client can be shown without luck:
//   /sse?status=503       that status (with a text/event-stream body)
//   /sse?type=text/plain  that Content-Type
//   /sse?close-after=3    the server ends the body after 3 events
//   /sse?burst=5          events held back and sent 5 at a time, as a buffering proxy does
//   /sse?interval=50      50 ms between events instead of --sse-interval
//   /sse?retry=500        a retry field of 500 ms instead of --sse-retry; a value that
//                         is not a number is sent as it is ("retry: soon"), which
//                         clients ignore
//   /sse?cache-control=   that Cache-Control instead of no-cache; empty: none
//   /sse?resume=0         Last-Event-ID is ignored: a reconnection starts over
// Pure: the caller passes the time and moves the bytes.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "codec/http.h"

namespace wsprobe::session {

struct SseOptions {
  std::chrono::milliseconds interval{1000};
  std::optional<std::chrono::milliseconds> retry;
};

class SseEndpoint {
 public:
  using Clock = std::chrono::steady_clock;

  // The stream for a request, when it is GET /sse without an upgrade; else nullopt.
  static std::optional<SseEndpoint> for_request(const codec::RequestHead& request, const SseOptions& options,
                                                Clock::time_point now);

  // The response head and the start of the body.
  std::string start();
  // Events due at `now`, as bytes to send.
  std::string due(Clock::time_point now);
  // Nothing now (the client is not reading): the next event comes an interval later.
  void postpone(Clock::time_point now);
  // When the next events are due; nullopt once the stream is over (the server closes).
  std::optional<Clock::time_point> next_due() const;
  // A line for the -v log: "sse /sse?burst=5 from id 8".
  std::string describe() const;
  std::uint64_t events_sent() const { return sent_; }

 private:
  SseEndpoint() = default;

  std::string target_;
  int status_ = 200;
  std::string content_type_ = "text/event-stream";
  std::chrono::milliseconds interval_{1000};
  std::optional<std::chrono::milliseconds> retry_;
  std::optional<std::string> retry_text_;  // a retry value that is no number, sent as it is
  std::string cache_control_ = "no-cache";
  std::optional<std::uint64_t> close_after_;
  std::uint64_t burst_ = 1;
  std::uint64_t next_id_ = 1;
  std::uint64_t sent_ = 0;
  Clock::time_point next_due_;
  bool over_ = false;
};

}  // namespace wsprobe::session
