#pragma once
// Ctrl-C and SIGTERM as a request to stop: commands that run until stopped check the
// flag, finish cleanly and print their summary instead of dying mid-line.
#include <atomic>

namespace wsprobe::net {

// Installs SIGINT and SIGTERM handlers (once) and returns the flag they set.
const std::atomic<bool>& stop_requested_on_signal();

// Whether a stop was requested since the handlers were installed (false before).
bool stop_requested();

}  // namespace wsprobe::net
