#include "session/reconnect_policy.h"

#include <algorithm>
#include <cmath>

namespace wsprobe::session {

std::chrono::milliseconds ReconnectPolicy::delay(double random) const {
  double ms = static_cast<double>(settings_.retry_interval.count());
  if (settings_.exponential && failures_in_a_row_ > 1) {
    ms *= std::pow(2.0, static_cast<double>(std::min<std::uint64_t>(failures_in_a_row_ - 1, 40)));
  }
  ms = std::min(ms, static_cast<double>(settings_.max_interval.count()));
  ms *= 1.0 - std::clamp(settings_.jitter, 0.0, 1.0) * std::clamp(random, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(std::llround(ms)));
}

std::optional<std::chrono::milliseconds> ReconnectPolicy::failed(double random) {
  ++failures_in_a_row_;
  if (failures_in_a_row_ > settings_.max_retries) return std::nullopt;  // N retries: N + 1 attempts
  return delay(random);
}

std::chrono::milliseconds ReconnectPolicy::dropped(double random) { return delay(random); }

}  // namespace wsprobe::session
