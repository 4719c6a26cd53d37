#include "net/signals.h"

#include <csignal>
#include <mutex>

namespace wsprobe::net {
namespace {

std::atomic<bool> stop_flag{false};

extern "C" void request_stop(int) { stop_flag.store(true); }

}  // namespace

bool stop_requested() { return stop_flag.load(); }

const std::atomic<bool>& stop_requested_on_signal() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
  });
  return stop_flag;
}

}  // namespace wsprobe::net
