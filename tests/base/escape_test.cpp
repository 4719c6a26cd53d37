#include "base/escape.h"

#include <gtest/gtest.h>

namespace wsprobe {
namespace {

TEST(EscapeForTerminal, KeepsPrintableTextAndUtf8) {
  EXPECT_EQ(escape_for_terminal("Hello, world"), "Hello, world");
  EXPECT_EQ(escape_for_terminal("κόσμε ✓ 😀"), "κόσμε ✓ 😀");
}

TEST(EscapeForTerminal, EscapesControlsInvalidBytesAndReorderingCharacters) {
  EXPECT_EQ(escape_for_terminal("\x1b[2Jgone"), "\\x1b[2Jgone");
  EXPECT_EQ(escape_for_terminal(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(escape_for_terminal("tab\there\r\n"), "tab\\x09here\\x0d\\x0a");
  EXPECT_EQ(escape_for_terminal("\x7f"), "\\x7f");
  EXPECT_EQ(escape_for_terminal("back\\slash"), "back\\\\slash");
  EXPECT_EQ(escape_for_terminal("\xc3\x28"), "\\xc3(");
  EXPECT_EQ(escape_for_terminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(escape_for_terminal("\xe2\x82"), "\\xe2\\x82");           // cut off
  EXPECT_EQ(escape_for_terminal("\xc2\x9b"), "\\u009b");              // C1 CSI
  EXPECT_EQ(escape_for_terminal("abc\xe2\x80\xae"), "abc\\u202e");    // right-to-left override
  EXPECT_EQ(escape_for_terminal("a\xe2\x80\xa8" "b\xe2\x80\xa9"), "a\\u2028b\\u2029");  // line and paragraph separators
}

TEST(MadeSafeForTerminal, EscapesControlsButKeepsEscapesAlreadyMade) {
  EXPECT_EQ(made_safe_for_terminal("type text/\x1b[2J"), "type text/\\x1b[2J");
  EXPECT_EQ(made_safe_for_terminal("already \\x1b escaped"), "already \\x1b escaped");
  EXPECT_EQ(made_safe_for_terminal("one\nline \xe2\x80\xae"), "one\\x0aline \\u202e");
}

TEST(JsonString, EscapesForJson) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("q\"b\\"), "\"q\\\"b\\\\\"");
  EXPECT_EQ(json_string("a\nb\tc\r"), "\"a\\nb\\tc\\r\"");
  EXPECT_EQ(json_string(std::string("\0\x1b", 2)), "\"\\u0000\\u001b\"");
  EXPECT_EQ(json_string("κ"), "\"κ\"");
  EXPECT_EQ(json_string("\xff"), "\"\xef\xbf\xbd\"");
  EXPECT_EQ(json_string("\xe2\x80\xae"), "\"\\u202e\"");
}

}  // namespace
}  // namespace wsprobe
