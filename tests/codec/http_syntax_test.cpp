#include "codec/http_syntax.h"

#include <gtest/gtest.h>

namespace wsprobe::codec {
namespace {

TEST(HttpSyntax, TokensAreOneOrMoreTchar) {
  EXPECT_TRUE(is_token("permessage-deflate"));
  EXPECT_TRUE(is_token("!#$%&'*+-.^_`|~09azAZ"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("a=b"));
  EXPECT_FALSE(is_token("\"a\""));
  EXPECT_FALSE(is_token(std::string_view("a\0b", 3)));
}

TEST(HttpSyntax, TrimOwsRemovesOnlySpacesAndTabsAtTheEnds) {
  EXPECT_EQ(trim_ows(" \t a b \t "), "a b");
  EXPECT_EQ(trim_ows("\r\na\n"), "\r\na\n");
  EXPECT_EQ(trim_ows(" \t "), "");
}

TEST(HttpSyntax, TextBytesAreVisibleBytesAndOws) {
  for (char c : {'a', '~', '!', '\x80', '\xff', ' ', '\t'}) EXPECT_TRUE(is_text_byte(c)) << byte_name(c);
  for (char c : {'\0', '\r', '\n', '\x1f', '\x7f'}) EXPECT_FALSE(is_text_byte(c)) << byte_name(c);
  EXPECT_FALSE(is_visible_byte(' '));
  EXPECT_FALSE(is_visible_byte('\t'));
}

TEST(HttpSyntax, IequalsIgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("WebSocket", "websocket"));
  EXPECT_FALSE(iequals("websocket", "websockets"));
  EXPECT_FALSE(iequals("\xc3\x89", "\xc3\xa9"));  // É and é differ outside ASCII
}

TEST(HttpSyntax, SplitListTrimsAndDropsEmptyElements) {
  EXPECT_EQ(split_list(" keep-alive ,Upgrade,, \t,x "), (std::vector<std::string_view>{"keep-alive", "Upgrade", "x"}));
  EXPECT_EQ(split_list(""), std::vector<std::string_view>{});
  EXPECT_EQ(split_list("one"), std::vector<std::string_view>{"one"});
}

TEST(HttpSyntax, ByteNameIsHex) {
  EXPECT_EQ(byte_name('\r'), "0x0d");
  EXPECT_EQ(byte_name('\xff'), "0xff");
}

}  // namespace
}  // namespace wsprobe::codec
