#pragma once
// The conformance catalogue of `wsprobe check`, kept as data: one row per case in the
// .cases files beside this header, compiled in as text and parsed here. A row names
// the case by section (framing/1.1.3), its Autobahn|Testsuite number where one exists,
// the RFC sentence it enforces (declared once, with its section and level), a title,
// what to send, and what a conforming server does with it.
//
//   @sentence NAME | SECTION | LEVEL | the RFC's words
//   @offer NAME | a Sec-WebSocket-Extensions value
//   ID | AUTOBAHN or - | SENTENCE | TITLE | STEP ; STEP ... | EXPECT ...
//
// STEPs, in order:
//   header=Name: value   a change to the opening request, as curl's -H makes it
//                        ("Name:" alone removes the header)
//   method=METHOD        the request's method instead of GET
//   offer=NAME           offers that extension (an @offer) instead of --deflate's
//   messages/FLAG...:TYPE:SOURCE
//                        messages sent as a client sends them, compressed when
//                        permessage-deflate was agreed, each after the echo of the one
//                        before; FLAGs count=N (1), size=SIZE (bytes, KiB, MiB),
//                        fragment=N (payload bytes per frame), chop=N (bytes per write);
//                        TYPE text or binary; SOURCE a corpus (see corpus.h)
//   anything else        a frame in the grammar of `wsprobe send --frame`
//
// EXPECT tokens:
//   echo        every message the steps make comes back, with its type and bytes
//   pong        the latest ping gets a pong with its payload
//   nothing     no frame comes back (until the case ends it with a Close 1000)
//   fail=CODES  the server fails the connection: a Close with one of CODES (a drop
//               without one is non-strict, RFC 6455 7.1.7)
//   reply=CODES the steps end with a Close; the server answers it with one of CODES
//               ("same": the code it received) and closes TCP
//   early-fail  with echo and fail: failing before the echo is non-strict
//   fail-fast   with fail: the server fails once the first invalid byte is in, before
//               the rest of the message (later is informational, earlier a failure)
//   upgrade     the opening handshake succeeds, every check of the response passing
//   refuse      the request breaks a rule on purpose: the server refuses the upgrade
//   deflate     the case needs permessage-deflate agreed (unimplemented otherwise)
//   limit       with echo: a Close 1009 instead, the server's limit on message size,
//               is informational (RFC 6455 10.4 asks servers for limits)
//   sse=CHECK   an event-stream case, run by `check --sse` only: status, content-type,
//               cache-control, first-event, unbuffered, resume, retry, keep-alive
//   info        whatever happens is informational
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/frame_spec.h"
#include "codec/violation.h"

namespace wsprobe::conformance {

struct Sentence {
  std::string name;
  std::string section;  // "RFC 6455 5.2"
  codec::Level level;
  std::string text;     // the RFC's words
};

struct Expectation {
  bool echo = false;
  bool pong = false;
  bool nothing = false;
  std::vector<std::uint16_t> fail_codes;   // non-empty: the server must fail the connection
  std::vector<std::uint16_t> reply_codes;  // non-empty: the server answers our Close
  bool reply_same = false;                 // "same" among the reply codes
  bool early_fail_non_strict = false;
  bool fail_fast = false;
  bool upgrade = false;
  bool refuse = false;
  bool needs_deflate = false;
  bool limit_allowed = false;
  std::string sse_check;  // an event-stream case: which check
  bool informational = false;

  bool fails_connection() const { return !fail_codes.empty(); }
};

// A permessage-deflate offer (or any extension), by name.
struct Offer {
  std::string name;
  std::string value;
};

// Messages sent one after the other, each once the previous one came back.
struct MessageSeries {
  codec::Opcode type = codec::Opcode::text;
  std::string source;             // a corpus name
  std::uint64_t size = 0;         // bytes per message (text: cut back to a whole character)
  std::size_t count = 1;
  std::size_t fragment_size = 0;  // 0: one frame per message
  std::size_t chop = 0;           // 0: written as they come
};

// What the opening request changes.
struct RequestChanges {
  std::vector<std::string> headers;  // "Name: value", as curl's -H
  std::optional<std::string> method;
  const Offer* offer = nullptr;      // in the catalogue's offer list
};

struct Case {
  std::string id;                        // "framing/1.1.3"
  std::optional<std::string> autobahn;  // "1.1.3"
  const Sentence* sentence = nullptr;    // in the catalogue's sentence list
  std::string title;
  RequestChanges request;
  std::vector<std::string> steps;        // frame specs, as written
  std::optional<MessageSeries> series;   // instead of frames
  Expectation expect;

  // Whether the case needs a server that echoes messages.
  bool needs_echo() const { return expect.echo; }
  // Whether it is a case of `check --sse`, for event-stream endpoints.
  bool is_sse() const { return !expect.sse_check.empty(); }

  // "framing", "utf8": the part of the id before the first '/'.
  std::string_view group() const;
};

class Catalogue {
 public:
  // Parses rows; throws std::invalid_argument naming the line for a row that does not
  // parse, an unknown sentence, a step that is no frame spec, or an id given twice.
  static Catalogue parse(std::string_view text);

  const std::vector<Case>& cases() const { return cases_; }
  const std::deque<Sentence>& sentences() const { return *sentences_; }
  const std::deque<Offer>& offers() const { return *offers_; }

  Catalogue(Catalogue&&) = default;
  Catalogue& operator=(Catalogue&&) = default;

 private:
  Catalogue() = default;
  // A row's step: a change to the request, a series, or a frame (kept as written).
  void add_step(Case& test_case, std::string_view step, std::size_t line) const;
  // Cases point at sentences: they stay put as sentences are added and when the
  // catalogue moves.
  std::unique_ptr<std::deque<Sentence>> sentences_ = std::make_unique<std::deque<Sentence>>();
  std::unique_ptr<std::deque<Offer>> offers_ = std::make_unique<std::deque<Offer>>();
  std::vector<Case> cases_;
};

// The checks an event-stream case (sse=CHECK) may name.
extern const std::vector<std::string_view> sse_checks;

// The catalogue built into wsprobe.
const Catalogue& builtin_catalogue();

// The frame specs of a case's steps, parsed.
std::vector<codec::FrameSpec> step_specs(const Case& test_case);

}  // namespace wsprobe::conformance
