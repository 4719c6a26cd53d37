#include "cli/input_line.h"

#include <gtest/gtest.h>

#include "codec/hex.h"

namespace wsprobe::cli {
namespace {

template <class T>
T as(const InputAction& action) {
  EXPECT_TRUE(std::holds_alternative<T>(action)) << "variant index " << action.index();
  return std::holds_alternative<T>(action) ? std::get<T>(action) : T{};
}

TEST(InputLine, LinesAreMessagesInTheChosenMode) {
  EXPECT_EQ(as<SendText>(interpret_line("hello", LineMode::text, true)).text, "hello");
  EXPECT_EQ(as<SendBinary>(interpret_line("AB", LineMode::binary, true)).bytes, (codec::Bytes{'A', 'B'}));
  EXPECT_EQ(as<SendBinary>(interpret_line("01 ff", LineMode::hex, true)).bytes, (codec::Bytes{0x01, 0xff}));
  EXPECT_FALSE(as<BadLine>(interpret_line("zz", LineMode::hex, true)).why.empty());
}

TEST(InputLine, SlashCommandsOnlyInATerminal) {
  EXPECT_EQ(as<SendText>(interpret_line("/ping", LineMode::text, false)).text, "/ping");
  EXPECT_EQ(as<SendPing>(interpret_line("/ping are you there", LineMode::text, true)).payload,
            (codec::Bytes{'a', 'r', 'e', ' ', 'y', 'o', 'u', ' ', 't', 'h', 'e', 'r', 'e'}));
  EXPECT_TRUE(as<SendPong>(interpret_line("/pong", LineMode::text, true)).payload.empty());
  EXPECT_EQ(as<SendBinary>(interpret_line("/binary 0x01,0x02", LineMode::text, true)).bytes, (codec::Bytes{1, 2}));
  const StartClose close = as<StartClose>(interpret_line("/close 4001 going now", LineMode::text, true));
  EXPECT_EQ(close.code, 4001);
  EXPECT_EQ(close.reason, "going now");
  EXPECT_EQ(as<StartClose>(interpret_line("/close", LineMode::text, true)).code, 1000);
  EXPECT_TRUE(std::holds_alternative<ShowHelp>(interpret_line("/help", LineMode::text, true)));
  EXPECT_EQ(as<SendText>(interpret_line("//etc/passwd", LineMode::text, true)).text, "/etc/passwd");
}

TEST(InputLine, BadCommandsSayWhy) {
  EXPECT_NE(as<BadLine>(interpret_line("/close abc", LineMode::text, true)).why.find("code"), std::string::npos);
  EXPECT_NE(as<BadLine>(interpret_line("/close 70000", LineMode::text, true)).why.find("code"), std::string::npos);
  EXPECT_NE(as<BadLine>(interpret_line("/ping " + std::string(126, 'x'), LineMode::text, true)).why.find("125"),
            std::string::npos);
  EXPECT_NE(as<BadLine>(interpret_line("/binary xyz", LineMode::text, true)).why.find("hex"), std::string::npos);
  EXPECT_NE(as<BadLine>(interpret_line("/frobnicate", LineMode::text, true)).why.find("/help"), std::string::npos);
}

TEST(Hex, AcceptsCommonSpellings) {
  EXPECT_EQ(codec::parse_hex("48656c"), (codec::Bytes{0x48, 0x65, 0x6c}));
  EXPECT_EQ(codec::parse_hex("48 65 6C"), (codec::Bytes{0x48, 0x65, 0x6c}));
  EXPECT_EQ(codec::parse_hex("0x48,0x65"), (codec::Bytes{0x48, 0x65}));
  EXPECT_EQ(codec::parse_hex(""), codec::Bytes{});
  EXPECT_EQ(codec::parse_hex("486"), std::nullopt);
  EXPECT_EQ(codec::parse_hex("4g"), std::nullopt);
}

}  // namespace
}  // namespace wsprobe::cli
