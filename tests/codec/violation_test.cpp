#include "codec/violation.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace wsprobe::codec {
namespace {

TEST(Violation, EveryRuleHasAUniqueIdASectionAndACloseCode) {
  std::set<std::string_view> ids;
  for (std::size_t i = 0; i < rule_count; ++i) {
    const RuleInfo& info = rule_info(static_cast<Rule>(i));
    EXPECT_TRUE(ids.insert(info.id).second) << info.id;
    EXPECT_TRUE(info.section.starts_with("RFC ") || info.section.starts_with("HTML ")) << info.id;
    EXPECT_FALSE(info.summary.empty()) << info.id;
    EXPECT_TRUE((std::set<int>{0, 1002, 1007, 1009, 1010}.contains(info.close_code))) << info.id;
  }
}

// Rules broken during the opening handshake, or in an event stream, have no Close
// frame to answer with; every rule broken on an open WebSocket connection has one.
// permessage-deflate has both kinds: its parameters are negotiated in the handshake
// (RFC 7692 5, 7.1), its compressed messages arrive on the open connection (6, 7.2).
TEST(Violation, OnlyRulesOutsideAWebSocketConnectionHaveNoCloseCode) {
  for (std::size_t i = 0; i < rule_count; ++i) {
    const RuleInfo& info = rule_info(static_cast<Rule>(i));
    const bool compressed_messages =
        info.section.starts_with("RFC 7692 6") || info.section.starts_with("RFC 7692 7.2");
    const bool handshake = info.id.starts_with("http.") || info.id.starts_with("extensions.") ||
                           (info.id.starts_with("deflate.") && !compressed_messages) ||
                           info.id.starts_with("handshake.") || info.id.starts_with("sse.");
    // Judged, never closed for: how a peer answers pings and frames, and notes.
    const bool judged_only = info.id.starts_with("pong.") || info.id.starts_with("reaction.") ||
                             info.id.starts_with("check.") || info.id == "deflate.tail-kept" ||
                             info.id == "close.tcp-left-open";
    EXPECT_EQ(info.close_code == 0, handshake || judged_only) << info.id;
  }
}

// Users look rules up by id in the man page's PROTOCOL RULES table.
TEST(Violation, EveryRuleIsInTheManPageWithItsSectionLevelAndCodes) {
  std::ifstream in(std::string(WSPROBE_TESTDATA) + "/../man/wsprobe.1");
  ASSERT_TRUE(in);
  std::stringstream man;
  man << in.rdbuf();
  for (std::size_t i = 0; i < rule_count; ++i) {
    const RuleInfo& info = rule_info(static_cast<Rule>(i));
    std::string codes = info.close_code ? std::to_string(info.close_code) : std::string("-");
    if (info.other_close_code) codes += " " + std::to_string(info.other_close_code);
    const std::string row = std::string(info.id) + "\t" + std::string(info.section) + "\t" +
                            std::string(level_name(info.level)) + "\t" + codes + "\n";
    EXPECT_NE(man.str().find(row), std::string::npos) << "man/wsprobe.1 lacks the row: " << row;
  }
}

TEST(Violation, DescribeNamesSectionRuleAndDetail) {
  EXPECT_EQ((Violation{Rule::reserved_opcode, "opcode 0x3"}.describe()), "RFC 6455 5.2: reserved opcode (opcode 0x3)");
  EXPECT_EQ((Violation{Rule::message_too_big, ""}.describe()), "RFC 6455 10.4: message larger than the limit");
}

TEST(Violation, ResultHoldsAValueOrAViolation) {
  Result<int> good = 7;
  Result<int> bad = Violation{Rule::close_code_invalid, "code 1005"};
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good.value(), 7);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.violation().rule, Rule::close_code_invalid);
}

}  // namespace
}  // namespace wsprobe::codec
