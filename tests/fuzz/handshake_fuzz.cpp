#include <cstdlib>

#include "codec/handshake.h"
#include "codec/handshake_check.h"
#include "codec/http.h"
#include "fuzz/targets.h"

namespace wsprobe::fuzz {
namespace {

using namespace codec;

// Parses the head whole and in reads of `read_size`: both must end alike.
template <class Parser>
void parse_both_ways(ByteView input, std::size_t read_size, const RequestHead& request) {
  Parser whole;
  const auto whole_event = whole.next(input);

  Parser pieces;
  typename Parser::Event event;
  std::size_t consumed = 0;
  for (std::size_t at = 0; at < input.size(); at += read_size) {
    event = pieces.next(input.subspan(at, std::min(read_size, input.size() - at)));
    consumed += event.consumed;
    if (event.step != Parser::Step::need_more) break;
  }
  if (whole_event.step != event.step && !input.empty()) std::abort();
  if (whole_event.step == Parser::Step::complete) {
    if (whole_event.consumed != consumed || !(whole.head() == pieces.head())) std::abort();
    if constexpr (std::is_same_v<Parser, ResponseHeadParser>) {
      const HandshakeReport report = check_response(whole.head(), request);
      if (report.checks.empty()) std::abort();
    }
  }
  if (whole_event.step == Parser::Step::violation && whole.violation().rule != pieces.violation().rule) std::abort();
}

}  // namespace

// Byte 0: the read size and whether the rest is a response head (the client's view)
// or a request head (the built-in server's view).
int handshake_fuzz(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const RequestHead request = [] {
    HandshakeRequest offer;
    offer.host = "127.0.0.1:9001";
    offer.key = "dGhlIHNhbXBsZSBub25jZQ==";
    offer.subprotocols = {"chat", "superchat"};
    offer.extensions = {"permessage-deflate; client_max_window_bits, permessage-deflate"};
    return build_request(offer);
  }();
  const std::size_t read_size = 1 + (data[0] >> 1);
  const ByteView input(data + 1, size - 1);
  if (data[0] & 1) {
    parse_both_ways<RequestHeadParser>(input, read_size, request);
  } else {
    parse_both_ways<ResponseHeadParser>(input, read_size, request);
  }
  return 0;
}

}  // namespace wsprobe::fuzz
