#pragma once
// What `wsprobe sse` prints: each dispatched event with its arrival time, the
// stream's opening, errors, reconnections, health warnings and a summary; as human
// lines, as JSON Lines, or (--raw) the body bytes as received.
#include <cstdio>
#include <memory>

#include "output/options.h"
#include "session/event_source.h"

namespace wsprobe::output {

struct SseOutputOptions {
  OutputOptions common;
  bool show_comments = false;
};

std::unique_ptr<session::EventSourceObserver> make_sse_reporter(const SseOutputOptions& options, std::FILE* out);

}  // namespace wsprobe::output
