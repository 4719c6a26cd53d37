#include "codec/frame.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "support/chunks.h"
#include "support/fixtures.h"

namespace wsprobe::codec {
namespace {

using test::bytes_from_spec;
using test::chunkings;
using test::from_hex;
using test::to_hex;

std::string describe_frame(const FrameHeader& header, const Bytes& payload) {
  std::string text(opcode_name(header.opcode));
  if (!header.fin) text += " more";
  if (header.rsv & rsv1_bit) text += " rsv1";
  if (header.rsv & rsv2_bit) text += " rsv2";
  if (header.rsv & rsv3_bit) text += " rsv3";
  if (header.masked) text += " masked";
  text += ' ';
  if (payload.empty()) {
    text += '-';
  } else if (payload.size() > 32) {
    text += "<" + std::to_string(payload.size()) + " bytes>";
  } else {
    for (std::uint8_t byte : payload) text += to_hex(ByteView(&byte, 1));
  }
  return text;
}

// Runs the parser over the chunks and renders what it saw (format: testdata/frames/parse.txt).
// `payloads` collects each frame's unmasked payload.
std::string trace(const std::vector<Bytes>& chunks, FrameParserOptions options, std::vector<Bytes>* payloads = nullptr) {
  FrameParser parser(options);
  std::string out;
  Bytes payload;
  bool in_frame = false;
  std::size_t consumed = 0;
  auto add = [&](const std::string& item) { out += (out.empty() ? "" : "; ") + item; };
  for (Bytes chunk : chunks) {
    MutableByteView input(chunk);
    for (;;) {
      const FrameParser::Event event = parser.next(input);
      input = input.subspan(event.consumed);
      consumed += event.consumed;
      if (event.step == FrameParser::Step::need_more) break;
      if (event.step == FrameParser::Step::violation) {
        add("violation " + std::string(rule_info(parser.violation().rule).id) + " @" + std::to_string(consumed));
        return out;
      }
      if (event.step == FrameParser::Step::header) {
        payload.clear();
        in_frame = true;
        continue;
      }
      payload.insert(payload.end(), event.payload.begin(), event.payload.end());
      if (event.frame_end) {
        add(describe_frame(parser.header(), payload));
        if (payloads) payloads->push_back(payload);
        in_frame = false;
      }
    }
  }
  if (in_frame || parser.payload_remaining() != 0 || consumed == 0) add("incomplete");
  return out;
}

FrameParserOptions options_named(const std::string& name) {
  if (name == "client") return {Role::client, 0};
  if (name == "server") return {Role::server, 0};
  if (name == "server+rsv1") return {Role::server, rsv1_bit};
  throw std::invalid_argument("unknown parser options: " + name);
}

TEST(FrameParser, FixturesGiveTheSameTraceForEveryChunking) {
  const auto rows = test::read_fixture_table("frames/parse.txt");
  ASSERT_GT(rows.size(), 40u);
  for (const auto& row : rows) {
    ASSERT_EQ(row.fields.size(), 3u) << "parse.txt line " << row.line;
    const FrameParserOptions options = options_named(row.fields[0]);
    const Bytes input = bytes_from_spec(row.fields[1]);
    for (const auto& chunks : chunkings(input)) {
      ASSERT_EQ(trace(chunks, options), row.fields[2])
          << "parse.txt line " << row.line << ", " << test::describe_chunking(chunks);
    }
  }
}

TEST(FrameParser, UnmasksPayloadSplitAnywhereWithTheRightKeyOffset) {
  Bytes payload(1000);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  const Bytes frame = build_frame({.fin = true, .opcode = 2, .masked = true, .mask_key = {9, 8, 7, 6}}, payload);
  for (const auto& chunks : chunkings(frame)) {
    std::vector<Bytes> payloads;
    ASSERT_EQ(trace(chunks, {Role::client, 0}, &payloads), "binary masked <1000 bytes>");
    ASSERT_EQ(payloads.at(0), payload) << test::describe_chunking(chunks);
  }
}

TEST(FrameParser, PayloadSlicesPointIntoTheCallersBuffer) {
  Bytes input = from_hex("82 03 01 02 03");
  FrameParser parser({Role::server, 0});
  MutableByteView view(input);
  ASSERT_EQ(parser.next(view).step, FrameParser::Step::header);
  const FrameParser::Event event = parser.next(view.subspan(2));
  ASSERT_EQ(event.step, FrameParser::Step::payload);
  EXPECT_EQ(event.payload.data(), input.data() + 2);
  EXPECT_EQ(event.payload.size(), 3u);
  EXPECT_TRUE(event.frame_end);
}

TEST(FrameParser, AnEmptyReadNeedsMore) {
  FrameParser parser({Role::server, 0});
  const FrameParser::Event event = parser.next(MutableByteView());  // data() is null: no memcpy from it
  EXPECT_EQ(event.step, FrameParser::Step::need_more);
  EXPECT_EQ(event.consumed, 0u);
}

TEST(FrameParser, StaysFailedAfterAViolation) {
  Bytes input = from_hex("83 00 81 00");
  FrameParser parser({Role::server, 0});
  EXPECT_EQ(parser.next(input).step, FrameParser::Step::violation);
  Bytes more = from_hex("81 00");
  const FrameParser::Event again = parser.next(more);
  EXPECT_EQ(again.step, FrameParser::Step::violation);
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_EQ(parser.violation().describe(), "RFC 6455 5.2: reserved opcode (opcode 0x03)");
}

TEST(FrameParser, ViolationDetailsNameWhatWasSeen) {
  auto violation_for = [](const char* hex, FrameParserOptions options) {
    Bytes input = from_hex(hex);
    FrameParser parser(options);
    MutableByteView view(input);
    for (;;) {
      const FrameParser::Event event = parser.next(view);
      view = view.subspan(event.consumed);
      if (event.step == FrameParser::Step::violation) return parser.violation().describe();
      if (event.step == FrameParser::Step::need_more) return std::string("no violation");
    }
  };
  const FrameParserOptions server{Role::server, 0};
  EXPECT_EQ(violation_for("c1 00", server),
            "RFC 6455 5.2: reserved bits set without a negotiated extension (RSV1 on a text frame)");
  EXPECT_EQ(violation_for("89 7e", server), "RFC 6455 5.5: control frame payload over 125 bytes (ping frame with "
                                            "length code 126)");
  EXPECT_EQ(violation_for("82 7e 00 05", server),
            "RFC 6455 5.2: payload length not in its minimal encoding (length 5 in a 16-bit field)");
  EXPECT_EQ(violation_for("82 7f 80 00 00 00 00 00 00 01", server),
            "RFC 6455 5.2: 64-bit payload length with the most significant bit set (length field "
            "0x8000000000000001)");
  EXPECT_EQ(violation_for("81 00", {Role::client, 0}), "RFC 6455 5.1: client frame not masked (MASK=0)");
  EXPECT_EQ(violation_for("c9 00", {Role::server, rsv1_bit}),
            "RFC 7692 6.1: RSV1 (compressed) set on a control frame (ping frame)");
  EXPECT_EQ(violation_for("e1 00", {Role::server, rsv1_bit}),
            "RFC 6455 5.2: reserved bits set without a negotiated extension (RSV2 on a text frame)");
}

TEST(FrameBuilder, WritesTheRfcExamplesByteForByte) {
  EXPECT_EQ(to_hex(build_frame({.opcode = 1}, test::bytes_of("Hello"))), "81 05 48 65 6c 6c 6f");
  EXPECT_EQ(to_hex(build_frame({.opcode = 1, .masked = true, .mask_key = {0x37, 0xfa, 0x21, 0x3d}},
                               test::bytes_of("Hello"))),
            "81 85 37 fa 21 3d 7f 9f 4d 51 58");
  EXPECT_EQ(to_hex(build_frame({.fin = false, .opcode = 1}, test::bytes_of("Hel"))), "01 03 48 65 6c");
  EXPECT_EQ(to_hex(build_frame({.opcode = 0}, test::bytes_of("lo"))), "80 02 6c 6f");
  EXPECT_EQ(to_hex(build_frame({.opcode = 9}, test::bytes_of("Hello"))), "89 05 48 65 6c 6c 6f");
  const Bytes frame256 = build_frame({.opcode = 2}, Bytes(256, 0));
  EXPECT_EQ(to_hex(ByteView(frame256).first(4)), "82 7e 01 00");
  EXPECT_EQ(frame256.size(), 260u);
  const Bytes frame64k = build_frame({.opcode = 2}, Bytes(65536, 0));
  EXPECT_EQ(to_hex(ByteView(frame64k).first(10)), "82 7f 00 00 00 00 00 01 00 00");
  EXPECT_EQ(frame64k.size(), 65546u);
}

TEST(FrameBuilder, WritesLengthBoundariesMinimally) {
  auto head = [](std::uint64_t length) {
    std::uint8_t out[max_frame_header_size];
    const std::size_t size = write_frame_header({.opcode = 2, .payload_length = length}, out);
    return to_hex(ByteView(out, size));
  };
  EXPECT_EQ(head(0), "82 00");
  EXPECT_EQ(head(125), "82 7d");
  EXPECT_EQ(head(126), "82 7e 00 7e");
  EXPECT_EQ(head(65535), "82 7e ff ff");
  EXPECT_EQ(head(65536), "82 7f 00 00 00 00 00 01 00 00");
  EXPECT_EQ(head(0x7fffffffffffffffULL), "82 7f 7f ff ff ff ff ff ff ff");
}

TEST(FrameBuilder, CraftsInvalidHeadersOnRequest) {
  std::uint8_t out[max_frame_header_size];
  FrameHeader header{.fin = false, .rsv = rsv1_bit | rsv3_bit, .opcode = 0xB, .payload_length = 5};
  EXPECT_EQ(to_hex(ByteView(out, write_frame_header(header, out, LengthEncoding::extended16))), "5b 7e 00 05");
  EXPECT_EQ(to_hex(ByteView(out, write_frame_header(header, out, LengthEncoding::extended64))),
            "5b 7f 00 00 00 00 00 00 00 05");
  header.payload_length = 0x8000000000000000ULL;
  EXPECT_EQ(to_hex(ByteView(out, write_frame_header(header, out))), "5b 7f 80 00 00 00 00 00 00 00");
  header.payload_length = 65536;
  EXPECT_THROW(write_frame_header(header, out, LengthEncoding::extended16), std::invalid_argument);
}

TEST(FrameBuilder, BuiltFramesParseBack) {
  for (std::uint8_t opcode : {0, 1, 2, 8, 9, 10}) {
    for (bool masked : {false, true}) {
      const Bytes payload(opcode >= 8 ? 125 : 300, 0xa5);
      const Bytes frame = build_frame({.opcode = opcode, .masked = masked, .mask_key = {1, 2, 3, 4}}, payload);
      std::vector<Bytes> payloads;
      const std::string out = trace({frame}, {masked ? Role::client : Role::server, 0}, &payloads);
      ASSERT_EQ(payloads.size(), 1u) << out;
      EXPECT_EQ(payloads[0], payload);
    }
  }
}

}  // namespace
}  // namespace wsprobe::codec
