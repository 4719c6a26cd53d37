#pragma once
// Timestamps as printed: RFC 3339 UTC with milliseconds for JSON ("ts"), and the
// local wall-clock time of day for human lines.
#include <chrono>
#include <string>

namespace wsprobe::output {

std::string rfc3339_utc(std::chrono::system_clock::time_point time = std::chrono::system_clock::now());
std::string time_of_day(std::chrono::system_clock::time_point time = std::chrono::system_clock::now());

}  // namespace wsprobe::output
