#pragma once
// What `wsprobe reconnect` prints: a timeline (attempts, opens, closes with their
// cause, failures, giving up) and a summary; human lines or JSON Lines.
#include <cstdio>
#include <memory>

#include "output/options.h"
#include "session/reconnect.h"

namespace wsprobe::output {

std::unique_ptr<session::ReconnectReporter> make_reconnect_reporter(const OutputOptions& options, std::FILE* out);

}  // namespace wsprobe::output
