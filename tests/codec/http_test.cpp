#include "codec/http.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "support/chunks.h"

namespace wsprobe::codec {
namespace {

using test::Bytes;
using test::bytes_of;
using test::chunkings;
using test::describe_chunking;

// What feeding a whole input to a parser came to, however it was chunked.
template <class Head>
struct Outcome {
  typename HeadParser<Head>::Step step = HeadParser<Head>::Step::need_more;
  std::size_t consumed = 0;  // over all calls
  Bytes leftover;            // after a complete head: the input bytes not consumed
  Head head;
  std::optional<Violation> violation;
};

template <class Head>
Outcome<Head> feed(const std::vector<Bytes>& chunks, HeadLimits limits) {
  using Step = typename HeadParser<Head>::Step;
  HeadParser<Head> parser(limits);
  Outcome<Head> outcome;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const auto event = parser.next(chunks[i]);
    outcome.step = event.step;
    outcome.consumed += event.consumed;
    if (event.step == Step::complete) {
      outcome.head = parser.head();
      outcome.leftover.assign(chunks[i].begin() + static_cast<std::ptrdiff_t>(event.consumed), chunks[i].end());
      for (std::size_t j = i + 1; j < chunks.size(); ++j) {
        outcome.leftover.insert(outcome.leftover.end(), chunks[j].begin(), chunks[j].end());
      }
      return outcome;
    }
    if (event.step == Step::violation) {
      outcome.violation = parser.violation();
      return outcome;
    }
    EXPECT_EQ(event.consumed, chunks[i].size()) << "need_more must consume the whole chunk";
  }
  return outcome;
}

// Feeds `input` through every chunking and expects the same outcome each time;
// returns it for the caller's own expectations.
template <class Head>
Outcome<Head> parse(std::string_view input, HeadLimits limits = {}) {
  const Outcome<Head> whole = feed<Head>({bytes_of(input)}, limits);
  for (const std::vector<Bytes>& chunks : chunkings(as_bytes(input))) {
    SCOPED_TRACE(describe_chunking(chunks));
    const Outcome<Head> outcome = feed<Head>(chunks, limits);
    EXPECT_EQ(outcome.step, whole.step);
    EXPECT_EQ(outcome.consumed, whole.consumed);
    EXPECT_EQ(outcome.leftover, whole.leftover);
    EXPECT_EQ(outcome.head, whole.head);
    EXPECT_EQ(outcome.violation.has_value(), whole.violation.has_value());
    if (outcome.violation && whole.violation) {
      EXPECT_EQ(outcome.violation->rule, whole.violation->rule);
      EXPECT_EQ(outcome.violation->detail, whole.violation->detail);
    }
  }
  return whole;
}

auto parse_response(std::string_view input, HeadLimits limits = {}) { return parse<ResponseHead>(input, limits); }
auto parse_request(std::string_view input, HeadLimits limits = {}) { return parse<RequestHead>(input, limits); }

constexpr std::string_view switching_head =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "\r\n";

TEST(HeadParser, ParsesAResponseAndLeavesTheFramesAfterIt) {
  const std::string input = std::string(switching_head) + "\x81\x05Hello";
  const auto outcome = parse_response(input);
  ASSERT_EQ(outcome.step, ResponseHeadParser::Step::complete);
  EXPECT_EQ(outcome.consumed, switching_head.size());
  EXPECT_EQ(outcome.leftover, bytes_of("\x81\x05Hello"));
  EXPECT_EQ(outcome.head.version, "HTTP/1.1");
  EXPECT_EQ(outcome.head.status, 101);
  EXPECT_EQ(outcome.head.reason, "Switching Protocols");
  EXPECT_EQ(outcome.head.fields, (HeaderFields{{"Upgrade", "websocket"},
                                               {"Connection", "Upgrade"},
                                               {"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}}));
}

TEST(HeadParser, ParsesARequestKeepingTheTargetByteForByte) {
  const auto outcome = parse_request(
      "GET /chat/%7Eroom?x=1&y=%20 HTTP/1.1\r\n"
      "Host: [::1]:9001\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "\r\n");
  ASSERT_EQ(outcome.step, RequestHeadParser::Step::complete);
  EXPECT_TRUE(outcome.leftover.empty());
  EXPECT_EQ(outcome.head.method, "GET");
  EXPECT_EQ(outcome.head.target, "/chat/%7Eroom?x=1&y=%20");
  EXPECT_EQ(outcome.head.version, "HTTP/1.1");
  EXPECT_EQ(outcome.head.fields,
            (HeaderFields{{"Host", "[::1]:9001"}, {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}}));
}

TEST(HeadParser, TrimsValuesAndKeepsRepeatedNamesInOrder) {
  const auto outcome = parse_response(
      "HTTP/1.1 101 \r\n"
      "X-Twice: \t first value \t\r\n"
      "Empty:\r\n"
      "x-twice:second\r\n"
      "Latin-1: caf\xe9\r\n"
      "\r\n");
  ASSERT_EQ(outcome.step, ResponseHeadParser::Step::complete);
  EXPECT_EQ(outcome.head.reason, "");
  EXPECT_EQ(outcome.head.fields,
            (HeaderFields{{"X-Twice", "first value"}, {"Empty", ""}, {"x-twice", "second"}, {"Latin-1", "caf\xe9"}}));
  EXPECT_EQ(field_values(outcome.head.fields, "X-TWICE"), (std::vector<std::string_view>{"first value", "second"}));
  EXPECT_EQ(combined_field_value(outcome.head.fields, "x-twice"), "first value, second");
  EXPECT_EQ(combined_field_value(outcome.head.fields, "Empty"), "");
  EXPECT_EQ(combined_field_value(outcome.head.fields, "Absent"), std::nullopt);
}

// RFC 9112 2.2: a server SHOULD ignore an empty line before the request line; a
// response has no such allowance.
TEST(HeadParser, SkipsEmptyLinesBeforeARequestLineOnly) {
  const auto request = parse_request("\r\nGET / HTTP/1.1\r\n\r\n");
  ASSERT_EQ(request.step, RequestHeadParser::Step::complete);
  EXPECT_EQ(request.head.target, "/");

  const auto response = parse_response("\r\nHTTP/1.1 101 OK\r\n\r\n");
  ASSERT_EQ(response.step, ResponseHeadParser::Step::violation);
  EXPECT_EQ(response.violation->rule, Rule::http_malformed_status_line);
}

TEST(HeadParser, AnswersTheSameOnceDone) {
  ResponseHeadParser complete;
  ASSERT_EQ(complete.next(as_bytes(switching_head)).step, ResponseHeadParser::Step::complete);
  const auto again = complete.next(as_bytes("more"));
  EXPECT_EQ(again.step, ResponseHeadParser::Step::complete);
  EXPECT_EQ(again.consumed, 0u);

  ResponseHeadParser failed;
  ASSERT_EQ(failed.next(as_bytes("HTTP/1.1 101 OK\n")).step, ResponseHeadParser::Step::violation);
  const auto still = failed.next(as_bytes("\r\n"));
  EXPECT_EQ(still.step, ResponseHeadParser::Step::violation);
  EXPECT_EQ(still.consumed, 0u);
  EXPECT_EQ(failed.violation().rule, Rule::http_bad_line_ending);
}

TEST(HeadParser, AcceptsAHeadOfExactlyTheSizeCap) {
  const auto outcome = parse_response(std::string(switching_head) + "X", {.max_head_size = switching_head.size()});
  ASSERT_EQ(outcome.step, ResponseHeadParser::Step::complete);
  EXPECT_EQ(outcome.leftover, bytes_of("X"));
}

TEST(HeadParser, FailsOnceTheSizeCapIsReachedWithoutAnEnd) {
  const auto outcome = parse_response(switching_head, {.max_head_size = switching_head.size() - 1});
  ASSERT_EQ(outcome.step, ResponseHeadParser::Step::violation);
  EXPECT_EQ(outcome.violation->rule, Rule::http_head_too_large);
  EXPECT_EQ(outcome.violation->detail, "no end of head within " + std::to_string(switching_head.size() - 1) + " bytes");
  EXPECT_EQ(outcome.consumed, switching_head.size() - 1);
}

TEST(HeadParser, TheDefaultSizeCapIs16KiB) {
  const std::string head = "HTTP/1.1 101 OK\r\nX: " + std::string(16 * 1024, 'a') + "\r\n\r\n";
  ResponseHeadParser parser;
  const auto event = parser.next(as_bytes(head));
  ASSERT_EQ(event.step, ResponseHeadParser::Step::violation);
  EXPECT_EQ(event.consumed, 16u * 1024);
  EXPECT_EQ(parser.violation().rule, Rule::http_head_too_large);
}

TEST(HeadParser, CapsTheNumberOfFieldLines) {
  constexpr std::string_view three_fields = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  EXPECT_EQ(parse_request(three_fields, {.max_fields = 3}).step, RequestHeadParser::Step::complete);
  const auto outcome = parse_request(three_fields, {.max_fields = 2});
  ASSERT_EQ(outcome.step, RequestHeadParser::Step::violation);
  EXPECT_EQ(outcome.violation->rule, Rule::http_too_many_fields);
  EXPECT_EQ(outcome.violation->detail, "more than 2 field lines");

  std::string hundred_and_one = "GET / HTTP/1.1\r\n";
  for (int i = 0; i <= 100; ++i) hundred_and_one += "X: " + std::to_string(i) + "\r\n";
  RequestHeadParser parser;
  ASSERT_EQ(parser.next(as_bytes(hundred_and_one + "\r\n")).step, RequestHeadParser::Step::violation);
  EXPECT_EQ(parser.violation().rule, Rule::http_too_many_fields);
}

struct Malformed {
  std::string_view input;
  Rule rule;
  std::string_view detail;
  std::size_t consumed;  // where the parser noticed: the end of the offending line
};

template <class Head>
void expect_violation(const Malformed& bad) {
  SCOPED_TRACE(std::string(bad.input));
  const Outcome<Head> outcome = parse<Head>(bad.input);
  ASSERT_TRUE(outcome.violation.has_value());
  EXPECT_EQ(outcome.violation->rule, bad.rule);
  EXPECT_EQ(outcome.violation->detail, bad.detail);
  EXPECT_EQ(outcome.consumed, bad.consumed);
}

TEST(HeadParser, RejectsLineEndingsOtherThanCrlf) {
  for (const Malformed& bad : {
           Malformed{"HTTP/1.1 101 OK\nUpgrade: websocket\r\n\r\n", Rule::http_bad_line_ending,
                     "line 1 ends in a bare LF", 16},
           Malformed{"HTTP/1.1 101 OK\r\nUpgrade: websocket\n\r\n", Rule::http_bad_line_ending,
                     "line 2 ends in a bare LF", 36},
           Malformed{"HTTP/1.1 101 OK\r\n\n", Rule::http_bad_line_ending, "line 2 ends in a bare LF", 18},
           Malformed{"HTTP/1.1 101 OK\r\nX: a\rb\r\n\r\n", Rule::http_bad_line_ending, "bare CR in line 2", 25},
           Malformed{"HTTP/1.1 101 OK\r\r\n\r\n", Rule::http_bad_line_ending, "bare CR in line 1", 18},
       }) {
    expect_violation<ResponseHead>(bad);
  }
}

TEST(HeadParser, RejectsObsoleteLineFolding) {
  for (const Malformed& bad : {
           Malformed{"HTTP/1.1 101 OK\r\nX: a\r\n b\r\n\r\n", Rule::http_obsolete_line_folding,
                     "line 3 starts with whitespace, folding the field before", 27},
           Malformed{"HTTP/1.1 101 OK\r\nX: a\r\n\tb\r\n\r\n", Rule::http_obsolete_line_folding,
                     "line 3 starts with whitespace, folding the field before", 27},
           Malformed{"HTTP/1.1 101 OK\r\n X: a\r\n\r\n", Rule::http_obsolete_line_folding,
                     "line 2 starts with whitespace, before the first field", 24},
       }) {
    expect_violation<ResponseHead>(bad);
  }
}

TEST(HeadParser, RejectsMalformedStatusLines) {
  for (const Malformed& bad : {
           Malformed{"HTTP/1.1 1010 OK\r\n\r\n", Rule::http_malformed_status_line,
                     "the status code is not three digits", 18},
           Malformed{"HTTP/1.1 10 OK\r\n\r\n", Rule::http_malformed_status_line, "the status code is not three digits",
                     16},
           Malformed{"HTTP/1.1 1o1 OK\r\n\r\n", Rule::http_malformed_status_line, "the status code is not three digits",
                     17},
           Malformed{"HTTP/1.1 101\r\n\r\n", Rule::http_malformed_status_line, "no space after the status code", 14},
           Malformed{"HTTP/1.1  101 OK\r\n\r\n", Rule::http_malformed_status_line,
                     "the status code is not three digits", 18},
           Malformed{"HTTP/1.1\r\n\r\n", Rule::http_malformed_status_line, "no space after the version", 10},
           Malformed{"http/1.1 101 OK\r\n\r\n", Rule::http_malformed_status_line, "the version is not HTTP/x.y", 17},
           Malformed{"HTTP/11 101 OK\r\n\r\n", Rule::http_malformed_status_line, "the version is not HTTP/x.y", 16},
           Malformed{"HTTP/1.1 101 O\x01K\r\n\r\n", Rule::http_malformed_status_line,
                     "control byte 0x01 in the reason phrase", 18},
       }) {
    expect_violation<ResponseHead>(bad);
  }
}

TEST(HeadParser, RejectsMalformedRequestLines) {
  constexpr std::string_view spaces = "not method, target and version separated by spaces";
  constexpr std::string_view target = "the request-target is empty or holds whitespace or control bytes";
  for (const Malformed& bad : {
           Malformed{"GET\r\n\r\n", Rule::http_malformed_request_line, spaces, 5},
           Malformed{"GET /\r\n\r\n", Rule::http_malformed_request_line, spaces, 7},
           Malformed{"GET /a b HTTP/1.1\r\n\r\n", Rule::http_malformed_request_line, target, 19},
           Malformed{"GET  / HTTP/1.1\r\n\r\n", Rule::http_malformed_request_line, target, 17},
           Malformed{"GET /\x7f HTTP/1.1\r\n\r\n", Rule::http_malformed_request_line, target, 17},
           Malformed{"G(T / HTTP/1.1\r\n\r\n", Rule::http_malformed_request_line, "the method is not a token", 16},
           Malformed{"GET / HTTP/2\r\n\r\n", Rule::http_malformed_request_line, "the version is not HTTP/x.y", 14},
       }) {
    expect_violation<RequestHead>(bad);
  }
}

TEST(HeadParser, RejectsMalformedFieldLines) {
  for (const Malformed& bad : {
           Malformed{"HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n", Rule::http_malformed_field, "line 2 has no colon",
                     36},
           Malformed{"HTTP/1.1 101 OK\r\n: websocket\r\n\r\n", Rule::http_malformed_field,
                     "line 2 has an empty field name", 30},
           Malformed{"HTTP/1.1 101 OK\r\nUpgrade : websocket\r\n\r\n", Rule::http_malformed_field,
                     "line 2 has whitespace before the colon", 38},
           Malformed{"HTTP/1.1 101 OK\r\nUp(grade): websocket\r\n\r\n", Rule::http_malformed_field,
                     "line 2 has byte 0x28 in the field name", 39},
           Malformed{std::string_view("HTTP/1.1 101 OK\r\nUpgrade: web\0socket\r\n\r\n", 40),
                     Rule::http_malformed_field, "line 2 has control byte 0x00 in the value of Upgrade", 38},
           Malformed{"HTTP/1.1 101 OK\r\nUpgrade: web\x7fsocket\r\n\r\n", Rule::http_malformed_field,
                     "line 2 has control byte 0x7f in the value of Upgrade", 38},
       }) {
    expect_violation<ResponseHead>(bad);
  }
}

TEST(HeadParser, FormatsARequestHead) {
  const RequestHead head{"GET", "/a?b", "HTTP/1.1", {{"Host", "example.com"}, {"X-Empty", ""}}};
  EXPECT_EQ(format_request_head(head), "GET /a?b HTTP/1.1\r\nHost: example.com\r\nX-Empty: \r\n\r\n");
  const auto parsed = parse_request(format_request_head(head));
  ASSERT_EQ(parsed.step, RequestHeadParser::Step::complete);
  EXPECT_EQ(parsed.head, head);
}

}  // namespace
}  // namespace wsprobe::codec
