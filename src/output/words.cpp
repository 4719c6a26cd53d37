#include "output/words.h"

#include <algorithm>
#include <array>
#include <utility>

namespace wsprobe::output {

std::string counted(std::uint64_t count, std::string_view one, std::string_view many) {
  const std::string plural = many.empty() ? std::string(one) + "s" : std::string(many);
  return std::to_string(count) + " " + (count == 1 ? std::string(one) : plural);
}

std::string_view tcp_end_words(codec::TcpEnd end) {
  switch (end) {
    case codec::TcpEnd::closed_by_peer: return "closed by the server";
    case codec::TcpEnd::reset: return "reset";
    case codec::TcpEnd::left_open: return "left open";
    case codec::TcpEnd::closed_by_us: return "closed by wsprobe";
  }
  return "";
}

std::vector<std::string_view> body_lines(std::string_view body) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < body.size();) {
    const std::size_t end = std::min(body.find('\n', start), body.size());
    std::string_view line = body.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string_view end_words(std::string_view end) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> words = {{
      {"done", "done"},
      {"count", "the count was reached"},
      {"duration", "--duration passed"},
      {"input_ended", "the input ended"},
      {"closed", "closed as asked"},
      {"peer_closed", "the server closed"},
      {"peer_dead", "the peer is dead"},
      {"interrupted", "interrupted"},
      {"gave_up", "gave up after --max-retries"},
      {"no_content", "the server answered 204 No Content"},
      {"failed", "failed"},
      {"unreachable", "could not connect"},
      {"timed_out", "--timeout passed"},
      {"usage", "a usage error"},
  }};
  for (const auto& [word, text] : words) {
    if (word == end) return text;
  }
  return end;
}

}  // namespace wsprobe::output
