#include "output/clock_text.h"

#include <fmt/format.h>

#include <ctime>

namespace wsprobe::output {
namespace {

struct Split {
  std::tm parts;
  long milliseconds;
};

Split split(std::chrono::system_clock::time_point time, bool utc) {
  const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(since_epoch / 1000);
  Split result{{}, static_cast<long>(since_epoch % 1000)};
  if (utc) {
    gmtime_r(&seconds, &result.parts);
  } else {
    localtime_r(&seconds, &result.parts);
  }
  return result;
}

}  // namespace

std::string rfc3339_utc(std::chrono::system_clock::time_point time) {
  const Split t = split(time, true);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", t.parts.tm_year + 1900, t.parts.tm_mon + 1,
                     t.parts.tm_mday, t.parts.tm_hour, t.parts.tm_min, t.parts.tm_sec, t.milliseconds);
}

std::string time_of_day(std::chrono::system_clock::time_point time) {
  const Split t = split(time, false);
  return fmt::format("{:02}:{:02}:{:02}.{:03}", t.parts.tm_hour, t.parts.tm_min, t.parts.tm_sec, t.milliseconds);
}

}  // namespace wsprobe::output
