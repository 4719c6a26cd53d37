#pragma once
// `wsprobe check --sse URL`: the event-stream cases of the catalogue (sse=CHECK rows)
// judged from one watch of the stream and one reconnection with Last-Event-ID. The
// watch records the response head, when each event, comment and byte arrived, and the
// retry fields as sent; each case reads what it needs from it.
#include <chrono>
#include <vector>

#include "net/http_stream.h"
#include "session/check_case.h"
#include "session/stream_health.h"

namespace wsprobe::session {

struct SseCheckSettings {
  net::HttpStreamSettings request;
  std::chrono::milliseconds window{5000};       // how long the stream is watched
  std::chrono::milliseconds first_event{5000};  // the most the first event may take
  std::chrono::milliseconds keep_alive{15000};  // the longest silence allowed
  StreamHealth::Thresholds health;              // what counts as a burst
};

// Runs the watches the cases need and judges each case. Throws Error when the
// endpoint cannot be reached at all (exit 3, or 4 for a timeout).
std::vector<CaseResult> run_sse_cases(const std::vector<const conformance::Case*>& cases,
                                      const SseCheckSettings& settings);

}  // namespace wsprobe::session
