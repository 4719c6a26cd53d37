#pragma once
// What `wsprobe heartbeat` prints: a line per ping (its round trip, or its loss),
// the server's pings, unmatched pongs, a dead peer, the close, and the summary;
// human lines or JSON Lines.
#include <cstdio>
#include <memory>

#include "output/options.h"
#include "session/heartbeat.h"

namespace wsprobe::output {

std::unique_ptr<session::HeartbeatReporter> make_heartbeat_reporter(const OutputOptions& options, bool idle,
                                                                    std::FILE* out);

}  // namespace wsprobe::output
