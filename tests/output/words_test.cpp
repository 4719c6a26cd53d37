#include "output/words.h"

#include <gtest/gtest.h>

namespace wsprobe::output {
namespace {

TEST(Words, CountsAgreeWithTheirNouns) {
  EXPECT_EQ(counted(1, "message"), "1 message");
  EXPECT_EQ(counted(0, "message"), "0 messages");
  EXPECT_EQ(counted(2, "retry", "retries"), "2 retries");
}

TEST(Words, ABodyIsItsLinesWithoutTheirEndings) {
  EXPECT_EQ(body_lines("no Upgrade header\r\nsecond\nthird"),
            (std::vector<std::string_view>{"no Upgrade header", "second", "third"}));
  EXPECT_EQ(body_lines("one\n"), std::vector<std::string_view>{"one"});
  EXPECT_EQ(body_lines("\n\nx"), (std::vector<std::string_view>{"", "", "x"}));
  EXPECT_TRUE(body_lines("").empty());
}

TEST(Words, EndWordsAndTcpEndsReadAsWords) {
  EXPECT_EQ(end_words("peer_dead"), "the peer is dead");
  EXPECT_EQ(end_words("no_such_word"), "no_such_word");
  EXPECT_EQ(tcp_end_words(codec::TcpEnd::closed_by_peer), "closed by the server");
}

}  // namespace
}  // namespace wsprobe::output
