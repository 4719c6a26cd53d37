#pragma once
// The conformance catalogue of `wsprobe check`, kept as data: one row per case in the
// .cases files beside this header, compiled in as text and parsed here. A row names
// the case by section (framing/1.1.3), its Autobahn|Testsuite number where one exists,
// the RFC sentence it enforces (declared once, with its section and level), a title,
// the frames to send in the frame-spec grammar of `wsprobe send --frame`, and what a
// conforming server does with them.
//
//   @sentence NAME | SECTION | LEVEL | the RFC's words
//   ID | AUTOBAHN or - | SENTENCE | TITLE | STEP ; STEP ... | EXPECT ...
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
  bool informational = false;

  bool fails_connection() const { return !fail_codes.empty(); }
};

struct Case {
  std::string id;                        // "framing/1.1.3"
  std::optional<std::string> autobahn;  // "1.1.3"
  const Sentence* sentence = nullptr;    // in the catalogue's sentence list
  std::string title;
  std::vector<std::string> steps;        // frame specs, as written
  Expectation expect;

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

  Catalogue(Catalogue&&) = default;
  Catalogue& operator=(Catalogue&&) = default;

 private:
  Catalogue() = default;
  // Cases point at sentences: they stay put as sentences are added and when the
  // catalogue moves.
  std::unique_ptr<std::deque<Sentence>> sentences_ = std::make_unique<std::deque<Sentence>>();
  std::vector<Case> cases_;
};

// The catalogue built into wsprobe.
const Catalogue& builtin_catalogue();

// The frame specs of a case's steps, parsed.
std::vector<codec::FrameSpec> step_specs(const Case& test_case);

}  // namespace wsprobe::conformance
