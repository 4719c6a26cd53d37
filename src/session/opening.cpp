#include "session/opening.h"

#include <charconv>

#include "base/errors.h"
#include "base/escape.h"

namespace wsprobe::session {
namespace {

// What a response that is not HTTP/1.1 probably is, for the hint line: its start,
// never past the first line (header lines may carry secrets such as Set-Cookie).
std::string guess_what_came(const std::string& received) {
  if (!received.empty() && received[0] == '\x16') return "the server answered with TLS: use a wss:// URL";
  const std::string start = received.substr(0, std::min<std::size_t>(40, received.find_first_of("\r\n")));
  return "the server sent: " + wsprobe::escape_for_terminal(start) + (received.size() > start.size() ? "..." : "");
}

}  // namespace

OpeningExchange exchange_opening_handshake(net::Connection& connection, const codec::RequestHead& request,
                                           net::Deadline deadline) {
  const std::string request_text = codec::format_request_head(request);
  connection.send_all(codec::as_bytes(request_text), deadline);
  const auto sent_at = net::Clock::now();

  OpeningExchange exchange;
  codec::ResponseHeadParser parser;
  std::string received;  // the head's bytes so far, for the report and the hints
  codec::Bytes buffer(16 * 1024);
  for (;;) {
    const net::ReadResult read = connection.read_some(buffer, deadline);
    switch (read.status) {
      case net::ReadStatus::timeout:
      case net::ReadStatus::would_block:  // read_some waits: only a timeout ends the wait
        throw Error(ErrorKind::timeout,
                      "timed out waiting for the handshake response (" + std::to_string(received.size()) +
                          " bytes received)",
                      received.empty() ? "the server accepted the connection but never answered" : "");
      case net::ReadStatus::eof:
        throw Error(ErrorKind::refused,
                      "the server closed the connection during the handshake (" + std::to_string(received.size()) +
                          " bytes of response received)",
                      received.empty() ? "" : guess_what_came(received));
      case net::ReadStatus::reset:
        throw Error(ErrorKind::refused, "the connection was reset during the handshake (" + read.error + ")");
      case net::ReadStatus::data:
        break;
    }
    const codec::ByteView chunk(buffer.data(), read.size);
    const auto event = parser.next(chunk);
    received.append(codec::as_chars(chunk.first(event.consumed)));
    if (event.step == codec::ResponseHeadParser::Step::violation) {
      throw Error(ErrorKind::refused, "malformed handshake response (" + parser.violation().describe() + ")",
                    guess_what_came(received));
    }
    if (event.step == codec::ResponseHeadParser::Step::complete) {
      exchange.response_ms = net::elapsed_ms(sent_at);
      exchange.response = parser.head();
      exchange.response_text = std::move(received);
      exchange.after_head.assign(chunk.begin() + static_cast<std::ptrdiff_t>(event.consumed), chunk.end());
      return exchange;
    }
  }
}

RefusalBody read_refusal_body(net::Connection& connection, const OpeningExchange& exchange, std::size_t limit,
                              net::Deadline deadline) {
  std::optional<std::size_t> declared;
  if (const auto length = codec::combined_field_value(exchange.response.fields, "Content-Length")) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(length->data(), length->data() + length->size(), value);
    if (error == std::errc() && end == length->data() + length->size()) declared = value;
  }
  RefusalBody body;
  body.text.assign(codec::as_chars(exchange.after_head));
  const std::size_t wanted = declared ? std::min(*declared, limit) : limit;
  codec::Bytes buffer(4096);
  while (body.text.size() < wanted) {
    const auto quiet_until = std::min(deadline, net::Clock::now() + std::chrono::seconds(1));
    const net::ReadResult read = connection.read_some(buffer, quiet_until);
    if (read.status == net::ReadStatus::eof) {
      body.complete = true;
      break;
    }
    if (read.status != net::ReadStatus::data) break;
    body.text.append(codec::as_chars(codec::ByteView(buffer.data(), read.size)));
  }
  if (declared && body.text.size() >= *declared) body.complete = true;
  if (body.text.size() > wanted) body.text.resize(wanted);
  if (body.text.size() >= limit && (!declared || *declared > limit)) body.complete = false;
  return body;
}

}  // namespace wsprobe::session
