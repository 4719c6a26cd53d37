#pragma once
// A browser's EventSource, run from the command line (WHATWG HTML, "Server-sent
// events"): fetch, announce, parse, and on the end of the body or a network error
// reestablish the connection after the reconnection time with Last-Event-ID; fail
// for good on a status other than 200 or a Content-Type other than text/event-stream.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "base/errors.h"
#include "codec/sse.h"
#include "net/http_stream.h"
#include "session/stream_health.h"

namespace wsprobe::session {

struct EventSourceSettings {
  net::HttpStreamSettings request;  // Last-Event-ID is added to it on each attempt
  std::string last_event_id;        // sent from the first request on when not empty
  std::chrono::milliseconds reconnection_time{3000};
  std::optional<std::uint64_t> max_retries;  // reconnections before giving up
  std::optional<std::uint64_t> max_events;
  std::optional<std::chrono::milliseconds> duration;
  std::uint64_t max_event_size = codec::default_max_event_size;
  net::Deadline deadline = net::Deadline::max();  // --timeout
  StreamHealth::Thresholds health;
};

enum class EndReason {
  max_events,   // --max-events reached
  duration,     // --duration passed
  interrupted,  // Ctrl-C or SIGTERM
  no_content,   // 204: the server's way to stop clients
  failed,       // status or Content-Type refused, or an event over the limit
  gave_up,      // --max-retries reconnections used up
  unreachable,  // the first connection never opened, and no --max-retries asked for more
  timed_out,    // --timeout passed
};

std::string_view end_reason_name(EndReason reason);

struct EventSourceResult {
  std::optional<ErrorKind> failure;  // what kind of failure ended the run, if one did
  std::string error;                 // with a failure: why, in one line
};

class EventSourceObserver {
 public:
  virtual ~EventSourceObserver() = default;
  virtual void open(const net::HttpResponseInfo& response) = 0;
  // A response EventSource does not take (status, Content-Type), with the start of its
  // body (`complete` false when cut short).
  virtual void refused(const net::HttpResponseInfo& response, std::string_view body, bool complete) = 0;
  virtual void event(const codec::SseEvent& event, double at_ms) = 0;
  virtual void comment(std::string_view text, double at_ms) = 0;
  virtual void body(codec::ByteView raw) = 0;
  // A retry field: the reconnection time now used (a day at most).
  virtual void retry(std::uint64_t milliseconds) = 0;
  // What the parser dropped (SseHandler::on_discarded).
  virtual void discarded(std::string_view what) = 0;
  virtual void warning(const HealthWarning& warning) = 0;
  virtual void error(const std::string& message, bool reconnecting) = 0;
  virtual void reconnect(std::chrono::milliseconds delay, const std::string& last_event_id,
                         std::uint64_t attempt) = 0;
  // Nothing more to read for now: output kept in a buffer goes out.
  virtual void idle() = 0;
  virtual void end(EndReason reason, const HealthSummary& summary, std::uint64_t reconnects,
                   const EventSourceResult& result) = 0;
};

// Runs until a bound ends it; returns how it ended (also reported to `observer`).
EventSourceResult run_event_source(const EventSourceSettings& settings, EventSourceObserver& observer,
                                   const std::atomic<bool>& interrupted);

}  // namespace wsprobe::session
