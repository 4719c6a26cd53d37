#pragma once
// Durations ("250ms", "5s", "1.5s", "2m", "1h") and sizes ("512", "64KiB", "16MiB",
// "1GiB") as the command line takes them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsprobe {

using Milliseconds = std::chrono::milliseconds;

// nullopt unless `text` is a non-negative number followed by a unit: ms, s, m or h.
std::optional<Milliseconds> parse_duration(std::string_view text);

// nullopt unless `text` is a whole number of bytes, optionally followed by B, KiB,
// MiB or GiB (also KB, MB, GB as decimal multiples).
std::optional<std::uint64_t> parse_size(std::string_view text);

// "250ms", "5s", "2m": how the tool prints a duration it was given.
std::string format_duration(Milliseconds duration);

}  // namespace wsprobe
