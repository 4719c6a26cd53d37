#pragma once
// HTTP/1.1 message heads (RFC 9112) as the opening handshake uses them: an
// incremental parser for a request or a response head, and the request formatter.
// The parser stops at the end of the head: the bytes after it are WebSocket frames
// and belong to the caller.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/bytes.h"
#include "codec/violation.h"

namespace wsprobe::codec {

struct HeaderField {
  std::string name;   // a token, as sent
  std::string value;  // trimmed of OWS, otherwise as sent

  bool operator==(const HeaderField&) const = default;
};

// In the order received; a repeated name stays repeated.
using HeaderFields = std::vector<HeaderField>;

// The values of every line named `name` (case-insensitive), in order.
std::vector<std::string_view> field_values(const HeaderFields& fields, std::string_view name);
// Those values joined with ", " as RFC 9110 5.3 combines repeated lines; nullopt
// when no line has the name.
std::optional<std::string> combined_field_value(const HeaderFields& fields, std::string_view name);

struct RequestHead {
  std::string method;
  std::string target;   // the request-target, byte for byte
  std::string version;  // "HTTP/1.1"
  HeaderFields fields;

  bool operator==(const RequestHead&) const = default;
};

struct ResponseHead {
  std::string version;  // "HTTP/1.1"
  std::uint16_t status = 0;
  std::string reason;  // may be empty
  HeaderFields fields;

  bool operator==(const ResponseHead&) const = default;
};

// "GET / HTTP/1.1\r\nName: value\r\n...\r\n\r\n". It does not validate: the request
// builder does, and deliberately odd requests must stay possible.
std::string format_request_head(const RequestHead& head);

struct HeadLimits {
  std::size_t max_head_size = 16 * 1024;  // bytes, start line to the final CRLF included
  std::size_t max_fields = 100;           // header field lines
};

// Pull parser for one message head, RequestHead or ResponseHead, over chunks of any
// size. Call next() with the unread input until it answers complete or violation.
//
// Lines must end in CRLF. RFC 9112 2.2 lets a recipient accept a bare LF (MAY), but
// the grammar a sender must follow has CRLF only: an inspector reports the deviation
// instead of hiding it, and one strict framing rule keeps the built-in server from
// ever disagreeing with a proxy about where a head ends. A bare CR is invalid (2.2).
template <class Head>
class HeadParser {
 public:
  enum class Step : std::uint8_t {
    need_more,  // every input byte was consumed; feed more
    complete,   // head() is the whole head; `consumed` stops right after its final CRLF
    violation,  // violation() says which rule; the parser stays in this state
  };
  struct Event {
    Step step = Step::need_more;
    std::size_t consumed = 0;  // input bytes used by this call
  };

  explicit HeadParser(HeadLimits limits = {}) : limits_(limits) {}

  // Once complete, answers complete again without consuming anything.
  Event next(ByteView input);

  const Head& head() const { return head_; }
  const Violation& violation() const { return violation_; }

 private:
  enum class State : std::uint8_t { start_line, fields, complete, failed };

  bool finish_line();
  bool parse_field(std::string_view line);
  bool fail(Rule rule, std::string detail);
  std::string where() const;  // "line 3", for details

  HeadLimits limits_;
  State state_ = State::start_line;
  std::string line_;           // the line being read, up to and including its LF
  std::size_t head_size_ = 0;  // bytes consumed so far
  std::size_t line_number_ = 0;
  Head head_;
  Violation violation_{};
};

using RequestHeadParser = HeadParser<RequestHead>;
using ResponseHeadParser = HeadParser<ResponseHead>;

}  // namespace wsprobe::codec
