#include "base/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace wsprobe {
namespace {

struct Unit {
  std::string_view suffix;
  double scale;
};

// Splits "12.5ms" into 12.5 and "ms"; nullopt without a leading number.
std::optional<std::pair<double, std::string_view>> number_and_suffix(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, value);
  if (error != std::errc() || end != text.data() + digits || !std::isfinite(value)) return std::nullopt;
  return std::pair{value, text.substr(digits)};
}

template <std::size_t N>
std::optional<double> scaled(std::string_view text, const Unit (&units)[N], bool unit_required) {
  const auto parsed = number_and_suffix(text);
  if (!parsed) return std::nullopt;
  const auto [value, suffix] = *parsed;
  if (suffix.empty()) return unit_required ? std::nullopt : std::optional<double>(value);
  for (const Unit& unit : units) {
    if (suffix == unit.suffix) return value * unit.scale;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Milliseconds> parse_duration(std::string_view text) {
  static constexpr Unit units[] = {{"ms", 1}, {"s", 1e3}, {"m", 60e3}, {"h", 3600e3}};
  const auto ms = scaled(text, units, true);
  // A week bounds every wait the tool makes and keeps the value far from overflow.
  if (!ms || *ms > 7 * 24 * 3600e3) return std::nullopt;
  return Milliseconds(static_cast<Milliseconds::rep>(std::llround(*ms)));
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  static constexpr Unit units[] = {{"B", 1},         {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
                                   {"KB", 1e3},      {"MB", 1e6},     {"GB", 1e9}};
  if (text.find('.') != std::string_view::npos) return std::nullopt;
  const auto bytes = scaled(text, units, false);
  if (!bytes || *bytes > static_cast<double>(std::uint64_t{1} << 62)) return std::nullopt;
  return static_cast<std::uint64_t>(*bytes);
}

std::string format_duration(Milliseconds duration) {
  const auto ms = duration.count();
  if (ms != 0 && ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace wsprobe
