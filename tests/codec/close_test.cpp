#include "codec/close.h"

#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <string>

#include "support/chunks.h"

namespace wsprobe::codec {

// Readable failure messages; internal linkage, found by argument-dependent lookup.
static void PrintTo(const CloseFrame& close, std::ostream* out) {
  *out << "{code " << (close.code ? std::to_string(*close.code) : "none") << ", reason \"" << close.reason << "\"}";
}

namespace {

using test::bytes_of;
using test::concat;
using test::from_hex;

// The code space as RFC 6455 7.4 and the IANA registry divide it, in order.
struct CodeRange {
  std::uint32_t first, last;
  bool valid_on_the_wire;
  std::string_view name;  // empty: each code has its registered name
};
constexpr CodeRange code_ranges[] = {
    {0, 999, false, "invalid"},
    {1000, 1003, true, ""},
    {1004, 1004, false, "reserved"},
    {1005, 1006, false, ""},  // reported locally, never sent
    {1007, 1014, true, ""},
    {1015, 1015, false, ""},  // reported locally, never sent
    {1016, 2999, false, "reserved"},
    {3000, 3999, true, "registered for libraries and applications"},
    {4000, 4999, true, "private use"},
    {5000, 65535, false, "invalid"},
};

const std::map<std::uint16_t, std::string_view> registered_names = {
    {1000, "Normal Closure"},
    {1001, "Going Away"},
    {1002, "Protocol Error"},
    {1003, "Unsupported Data"},
    {1005, "No Status Received"},
    {1006, "Abnormal Closure"},
    {1007, "Invalid Frame Payload Data"},
    {1008, "Policy Violation"},
    {1009, "Message Too Big"},
    {1010, "Mandatory Extension"},
    {1011, "Internal Error"},
    {1012, "Service Restart"},
    {1013, "Try Again Later"},
    {1014, "Bad Gateway"},
    {1015, "TLS Handshake"},
};

TEST(CloseCode, EveryCodeHasTheValidityAndNameOfItsRange) {
  std::uint32_t next = 0;
  for (const CodeRange& range : code_ranges) {
    ASSERT_EQ(range.first, next) << "the ranges must cover every code once";
    next = range.last + 1;
    for (std::uint32_t code = range.first; code <= range.last; ++code) {
      const auto code16 = static_cast<std::uint16_t>(code);
      EXPECT_EQ(is_valid_close_code(code16), range.valid_on_the_wire) << "code " << code;
      const std::string_view expected_name = range.name.empty() ? registered_names.at(code16) : range.name;
      EXPECT_EQ(close_code_name(code16), expected_name) << "code " << code;
    }
  }
  EXPECT_EQ(next, 65536u);
}

TEST(ParseClosePayload, EmptyPayloadHasNoCode) {
  const Result<CloseFrame> close = parse_close_payload({});
  ASSERT_TRUE(close.ok());
  EXPECT_EQ(close.value(), CloseFrame{});
  EXPECT_FALSE(close->code.has_value());
}

TEST(ParseClosePayload, CodeAndReason) {
  EXPECT_EQ(parse_close_payload(from_hex("03 e8")).value(), (CloseFrame{1000, ""}));
  EXPECT_EQ(parse_close_payload(from_hex("03 e9 62 79 65")).value(), (CloseFrame{1001, "bye"}));
  EXPECT_EQ(parse_close_payload(from_hex("0f a0 ce ba e1 bd b9 cf 83 ce bc ce b5")).value(),
            (CloseFrame{4000, "\u03ba\u1f79\u03c3\u03bc\u03b5"}))
      << "κόσμε as Autobahn spells it";
  EXPECT_EQ(parse_close_payload(from_hex("0b b8 ef bf be")).value(), (CloseFrame{3000, "\xef\xbf\xbe"}))
      << "noncharacters are valid UTF-8";
}

TEST(ParseClosePayload, OneBytePayloadIsAViolation) {
  const Result<CloseFrame> close = parse_close_payload(from_hex("03"));
  ASSERT_FALSE(close.ok());
  EXPECT_EQ(close.violation().rule, Rule::close_payload_one_byte);
}

// Autobahn 7.9's codes, and the other edges of the invalid ranges.
TEST(ParseClosePayload, CodesNotAllowedOnTheWireAreViolations) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    const Result<CloseFrame> close = parse_close_payload(build_close_payload(code, "reason"));
    ASSERT_FALSE(close.ok()) << code;
    EXPECT_EQ(close.violation().rule, Rule::close_code_invalid) << code;
    EXPECT_EQ(close.violation().detail, "code " + std::to_string(code));
  }
  EXPECT_EQ(parse_close_payload(from_hex("03 ed")).violation().describe(),
            "RFC 6455 7.4: close code not allowed on the wire (code 1005)");
}

TEST(ParseClosePayload, ReasonThatIsNotUtf8IsAViolation) {
  // Autobahn 7.5.1: a reason holding U+110000.
  const Result<CloseFrame> bad_byte =
      parse_close_payload(from_hex("03 e8 ce ba e1 bd b9 cf 83 ce bc ce b5 f4 90 80 80 65 64 69 74 65 64"));
  ASSERT_FALSE(bad_byte.ok());
  EXPECT_EQ(bad_byte.violation().rule, Rule::close_reason_not_utf8);
  EXPECT_EQ(bad_byte.violation().detail, "invalid byte at offset 12 of the reason");

  const Result<CloseFrame> cut_off = parse_close_payload(from_hex("03 e8 62 79 65 e2 82"));
  ASSERT_FALSE(cut_off.ok());
  EXPECT_EQ(cut_off.violation().rule, Rule::close_reason_not_utf8);
  EXPECT_EQ(cut_off.violation().detail, "reason ends inside a UTF-8 sequence");
}

TEST(ParseClosePayload, CodeIsCheckedBeforeReason) {
  const Result<CloseFrame> close = parse_close_payload(from_hex("03 ed ff"));
  ASSERT_FALSE(close.ok());
  EXPECT_EQ(close.violation().rule, Rule::close_code_invalid);
}

TEST(ParseClosePayload, PayloadOver125BytesIsAViolation) {
  const Bytes longest = build_close_payload(1000, std::string(123, 'a'));
  ASSERT_EQ(longest.size(), 125u);
  EXPECT_TRUE(parse_close_payload(longest).ok());

  const Result<CloseFrame> too_long = parse_close_payload(build_close_payload(1000, std::string(124, 'a')));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.violation().rule, Rule::control_frame_too_long);
  EXPECT_EQ(too_long.violation().detail, "close payload of 126 bytes");
}

TEST(BuildClosePayload, CodeBigEndianThenReason) {
  EXPECT_EQ(build_close_payload(1000), from_hex("03 e8"));
  EXPECT_EQ(build_close_payload(1001, "bye"), from_hex("03 e9 62 79 65"));
  EXPECT_EQ(build_close_payload(4999, "κ"), concat({from_hex("13 87"), bytes_of("κ")}));
}

// It crafts frames a conformance test sends on purpose: invalid codes, bad UTF-8,
// reasons too long for a control frame.
TEST(BuildClosePayload, DoesNotValidate) {
  EXPECT_EQ(build_close_payload(1005, "\xff"), from_hex("03 ed ff"));
  EXPECT_EQ(build_close_payload(0), from_hex("00 00"));
  EXPECT_EQ(build_close_payload(1000, std::string(200, 'a')).size(), 202u);
}

TEST(ClosePayload, BuildThenParseRoundTrips) {
  const std::string reasons[] = {"", "bye", "κόσμε 你好 🎉", std::string(123, 'r')};
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 3999, 4000, 4999}) {
    for (const std::string& reason : reasons) {
      const Result<CloseFrame> close = parse_close_payload(build_close_payload(code, reason));
      ASSERT_TRUE(close.ok()) << code << " " << close.violation().describe();
      EXPECT_EQ(close.value(), (CloseFrame{code, reason}));
    }
  }
}

}  // namespace
}  // namespace wsprobe::codec
