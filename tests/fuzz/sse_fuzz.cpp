#include <cstdlib>
#include <string>

#include "codec/sse.h"
#include "fuzz/targets.h"

namespace wsprobe::fuzz {
namespace {

class EventLog : public codec::SseHandler {
 public:
  std::string log;
  void on_event(const codec::SseEvent& event) override {
    log.append("e").append(event.type).append("\x1f").append(event.data).append("\x1f").append(event.last_event_id);
    log.push_back('\x1e');
  }
  void on_comment(std::string_view text) override { log.append("c").append(text).push_back('\x1e'); }
  void on_retry(std::uint64_t milliseconds) override { log.append("r" + std::to_string(milliseconds) + "\x1e"); }
  void on_violation(const codec::Violation& violation) override { log.append("v" + violation.describe()); }
};

}  // namespace

// Byte 0: the read size and a small or large event limit. The rest is a response
// body, parsed whole and in reads: the same events either way.
int sse_fuzz(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t read_size = 1 + (data[0] & 0x3f);
  const std::uint64_t limit = (data[0] & 0x40) ? 64 : codec::default_max_event_size;
  const codec::ByteView body(data + 1, size - 1);

  EventLog whole;
  codec::SseParser(whole, limit).feed(body);

  EventLog pieces;
  codec::SseParser parser(pieces, limit);
  for (std::size_t at = 0; at < body.size(); at += read_size) {
    if (!parser.feed(body.subspan(at, std::min(read_size, body.size() - at)))) break;
  }
  if (whole.log != pieces.log) std::abort();
  return 0;
}

}  // namespace wsprobe::fuzz
