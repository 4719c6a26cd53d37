#include "codec/sse.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "support/chunks.h"
#include "support/fixtures.h"

namespace wsprobe::codec {
namespace {

// "\n", "\r", "\t", "\0", "\\", "\xHH" as in C.
Bytes unescape(std::string_view text) {
  Bytes out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out.push_back(static_cast<std::uint8_t>(text[i]));
      continue;
    }
    const char code = text[++i];
    switch (code) {
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case '0': out.push_back('\0'); break;
      case '\\': out.push_back('\\'); break;
      case 'x': {
        const Bytes byte = test::from_hex(text.substr(i + 1, 2));
        out.push_back(byte.at(0));
        i += 2;
        break;
      }
      default: throw std::invalid_argument("unknown escape in fixture");
    }
  }
  return out;
}

// Control characters escaped, non-ASCII as \uXXXX (the fixtures' notation).
std::string render(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      switch (byte) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\0': out += "\\0"; break;
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        default: out += static_cast<char>(byte);
      }
      ++i;
      continue;
    }
    const std::size_t length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    std::uint32_t value = byte & (0x7f >> length);
    for (std::size_t k = 1; k < length; ++k) value = value << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    char hex[16];
    std::snprintf(hex, sizeof hex, "\\u%04x", value);
    out += hex;
    i += length;
  }
  return out;
}

class RecordingHandler : public SseHandler {
 public:
  std::string events;
  std::vector<std::string> comments;
  std::optional<std::uint64_t> retry;
  std::optional<Violation> violation;
  std::vector<std::string> discarded;

  void on_event(const SseEvent& event) override {
    events += (events.empty() ? "" : "; ") + render(event.type) + " \"" + render(event.data) + "\" \"" +
              render(event.last_event_id) + "\"";
  }
  void on_comment(std::string_view text) override { comments.emplace_back(text); }
  void on_retry(std::uint64_t milliseconds) override { retry = milliseconds; }
  void on_violation(const Violation& v) override { violation = v; }
  void on_discarded(std::string_view what) override { discarded.emplace_back(what); }
};

TEST(SseParser, VectorsGiveTheSameEventsForEveryChunking) {
  const auto rows = test::read_fixture_table("sse/vectors.txt");
  ASSERT_GT(rows.size(), 40u);
  for (const auto& row : rows) {
    ASSERT_EQ(row.fields.size(), 4u) << "vectors.txt line " << row.line;
    const Bytes body = unescape(row.fields[0]);
    for (const auto& chunks : test::chunkings(body)) {
      RecordingHandler handler;
      SseParser parser(handler);
      for (const Bytes& chunk : chunks) ASSERT_TRUE(parser.feed(chunk));
      parser.end_of_body();
      const std::string where = "vectors.txt line " + std::to_string(row.line) + ", " + test::describe_chunking(chunks);
      ASSERT_EQ(handler.events.empty() ? "(none)" : handler.events, row.fields[1]) << where;
      ASSERT_EQ(handler.retry ? std::to_string(*handler.retry) : "-", row.fields[2]) << where;
      ASSERT_EQ(parser.last_event_id(), std::string(as_chars(unescape(row.fields[3])))) << where;
    }
  }
}

TEST(SseParser, CommentsOfAnyLengthAndEndingAreReported) {
  // Vector 3 (WPT format-comments): comments between data lines, ended by CR, LF or CRLF.
  using namespace std::string_literals;
  const std::string body = "data:1\r:\0\n:\r\ndata:2\n:"s + std::string(2048, 'x') + "\rdata:3\n:data:fail\r:" +
                           std::string(2048, 'x') + "\ndata:4\n\n";
  const Bytes bytes(body.begin(), body.end());
  for (std::size_t split : {std::size_t{1}, std::size_t{9}, std::size_t{2060}, body.size() - 1}) {
    RecordingHandler handler;
    SseParser parser(handler);
    parser.feed(ByteView(bytes).first(split));
    parser.feed(ByteView(bytes).subspan(split));
    EXPECT_EQ(handler.events, "message \"1\\n2\\n3\\n4\" \"\"");
    ASSERT_EQ(handler.comments.size(), 5u);
    EXPECT_EQ(handler.comments[0], std::string(1, '\0'));
    EXPECT_EQ(handler.comments[1], "");
    EXPECT_EQ(handler.comments[2].size(), 2048u);
    EXPECT_EQ(handler.comments[3], "data:fail");
    EXPECT_EQ(handler.comments[4].size(), 2048u);
  }
}

TEST(SseParser, ANewBodyKeepsTheLastEventIdAndMayStartWithABom) {
  RecordingHandler handler;
  SseParser parser(handler);
  parser.feed(test::bytes_of("data: a\n\nid: 5\ndata: b\n\ndata: partial"));
  parser.end_of_body();
  EXPECT_EQ(parser.last_event_id(), "5");
  parser.feed(test::bytes_of("\xEF\xBB\xBF" "data: c\n\n"));
  EXPECT_EQ(handler.events, "message \"a\" \"\"; message \"b\" \"5\"; message \"c\" \"5\"");
}

TEST(SseParser, ACrAtTheEndOfOneBodyDoesNotEatTheNextBodysLf) {
  RecordingHandler handler;
  SseParser parser(handler);
  parser.feed(test::bytes_of("data: a\r"));
  parser.end_of_body();
  parser.feed(test::bytes_of("\ndata: b\n\n"));
  EXPECT_EQ(handler.events, "message \"b\" \"\"");
}

TEST(SseParser, SeededLastEventIdIsKeptUntilAnIdFieldChangesIt) {
  RecordingHandler handler;
  SseParser parser(handler);
  parser.set_last_event_id("41");
  parser.feed(test::bytes_of("data: x\n\nid: 42\ndata: y\n\n"));
  EXPECT_EQ(handler.events, "message \"x\" \"41\"; message \"y\" \"42\"");
}

TEST(SseParser, AnEventOverTheLimitStopsTheParserWithAViolation) {
  for (const char* body : {"data: 0123456789\ndata: 0123456789\ndata: 0123456789\n", "data: 012345678901234567890123456789"}) {
    for (const auto& chunks : test::chunkings(test::bytes_of(body))) {
      RecordingHandler handler;
      SseParser parser(handler, 32);
      bool accepted = true;
      for (const Bytes& chunk : chunks) accepted = accepted && parser.feed(chunk);
      EXPECT_FALSE(accepted) << body;
      ASSERT_TRUE(handler.violation) << body;
      EXPECT_EQ(handler.violation->describe(), "HTML 9.2.6: event larger than the limit (over 32 bytes)");
    }
  }
  RecordingHandler handler;
  SseParser parser(handler, 32);
  EXPECT_TRUE(parser.feed(test::bytes_of("data: 0123456789\n\ndata: 0123456789\n\n")));
  EXPECT_EQ(handler.events, "message \"0123456789\" \"\"; message \"0123456789\" \"\"");
}

// Decoding replaces each invalid byte with U+FFFD, three bytes: data that fits the limit
// as it came can outgrow it decoded, and the event is held to the limit when it is whole.
TEST(SseParser, AnEventGrownOverTheLimitByDecodingIsStopped) {
  const std::string body = "data:" + std::string(95, '\xff') + "\n\n";
  for (const auto& chunks : test::chunkings(test::bytes_of(body))) {
    RecordingHandler handler;
    SseParser parser(handler, 100);
    bool accepted = true;
    for (const Bytes& chunk : chunks) accepted = accepted && parser.feed(chunk);
    EXPECT_FALSE(accepted);
    EXPECT_TRUE(handler.violation);
    EXPECT_EQ(handler.events, "");
  }
}

// What the algorithm drops in silence is said, for -v: another field's name, a retry
// that is not all digits, and the event a body ends in the middle of.
TEST(SseParser, WhatIsDiscardedIsSaid) {
  const std::string body = "foo: bar\nretry: 12x\ndata: kept\n\n:comment\ndata: unfinished";
  for (const auto& chunks : test::chunkings(test::bytes_of(body))) {
    RecordingHandler handler;
    SseParser parser(handler, 1024);
    for (const Bytes& chunk : chunks) ASSERT_TRUE(parser.feed(chunk));
    parser.end_of_body();
    EXPECT_EQ(handler.events, "message \"kept\" \"\"");
    EXPECT_EQ(handler.discarded, (std::vector<std::string>{
                                     "a field named 'foo', which EventSource ignores",
                                     "a retry field that is not all digits: '12x'",
                                     "an event the body ended in the middle of (no blank line after it)"}));
  }
  RecordingHandler quoted;
  SseParser long_names(quoted, 1024);
  ASSERT_TRUE(long_names.feed(test::bytes_of(std::string(500, 'n') + ": v\n")));
  ASSERT_EQ(quoted.discarded.size(), 1u);
  EXPECT_EQ(quoted.discarded[0], "a field named '" + std::string(64, 'n') + "...', which EventSource ignores");
  RecordingHandler handler;
  SseParser parser(handler, 1024);
  ASSERT_TRUE(parser.feed(test::bytes_of("data: x\n\n:a comment left open")));
  parser.end_of_body();
  EXPECT_TRUE(handler.discarded.empty());  // a comment is no event
}

// A line over the limit is lost whole, however the reads split it: the start of it is
// never taken for a line of its own (a retry: of only its first digits, as the fuzzer
// found).
TEST(SseParser, ALineOverTheLimitIsNeverTakenInPart) {
  const std::string body = "retry:" + std::string(60, '0') + "777\ndata: after\n\n";
  for (const auto& chunks : test::chunkings(test::bytes_of(body))) {
    RecordingHandler handler;
    SseParser parser(handler, 64);
    for (const Bytes& chunk : chunks) {
      if (!parser.feed(chunk)) break;
    }
    ASSERT_TRUE(handler.violation);
    EXPECT_FALSE(handler.retry);
    EXPECT_EQ(handler.events, "");
  }
}

// Only event data counts against the limit: a comment of any length is no event. Its
// first max_comment_kept bytes are reported, the rest dropped unkept.
TEST(SseParser, ACommentLongerThanTheLimitIsNoViolation) {
  const std::string comment(5000, 'c');
  const std::string body = "data: a\n\n:" + comment + "\ndata: b\n\n";
  const Bytes bytes(body.begin(), body.end());
  for (std::size_t split : {std::size_t{1}, std::size_t{10}, std::size_t{3000}, std::size_t{4200}, body.size() - 1}) {
    RecordingHandler handler;
    SseParser parser(handler, 32);
    EXPECT_TRUE(parser.feed(ByteView(bytes).first(split)));
    EXPECT_TRUE(parser.feed(ByteView(bytes).subspan(split)));
    EXPECT_FALSE(handler.violation);
    EXPECT_EQ(handler.events, "message \"a\" \"\"; message \"b\" \"\"");
    ASSERT_EQ(handler.comments.size(), 1u);
    EXPECT_EQ(handler.comments[0], comment.substr(0, SseParser::max_comment_kept - 1));  // the colon is kept too
  }
}

TEST(DecodeUtf8Lossy, ReplacesEachMaximalSubpart) {
  EXPECT_EQ(decode_utf8_lossy(test::bytes_of("plain")), "plain");
  EXPECT_EQ(decode_utf8_lossy(test::from_hex("e2 82 41")), "\xef\xbf\xbd" "A");
  EXPECT_EQ(decode_utf8_lossy(test::from_hex("ed a0 80")), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(decode_utf8_lossy(test::from_hex("c0 80")), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(decode_utf8_lossy(test::from_hex("f4 90 80 80")), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(decode_utf8_lossy(test::from_hex("f0 9f 98 80 f0 9f")), "\xf0\x9f\x98\x80\xef\xbf\xbd");
  EXPECT_EQ(decode_utf8_lossy(test::from_hex("80 ce ba")), "\xef\xbf\xbd\xce\xba");
}

}  // namespace
}  // namespace wsprobe::codec
