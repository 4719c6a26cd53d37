#include "conformance/corpus.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/utf8.h"

namespace wsprobe::conformance {
namespace {

std::string text_of(codec::ByteView bytes) { return std::string(codec::as_chars(bytes)); }

TEST(Corpus, FillsRepeatTheirPatternToTheSize) {
  CorpusSlicer stars("stars", 5);
  EXPECT_EQ(text_of(stars.message(0)), "*****");
  EXPECT_EQ(text_of(stars.message(7)), "*****");
  CorpusSlicer autobahn("autobahn-text", 13);
  EXPECT_EQ(text_of(autobahn.message(0)), "BAsd7&jh23BAs");
  EXPECT_EQ(CorpusSlicer("autobahn-binary", 6).message(0).size(), 6u);
  EXPECT_TRUE(CorpusSlicer("fe", 0).message(0).empty());
}

// Both ends of a check compute the same messages: one slicer sends, another makes the
// digests the echoes are compared with.
TEST(Corpus, SlicesAreTheSameEveryTimeAndFollowOneAnother) {
  CorpusSlicer first("json", 1000), second("json", 1000);
  EXPECT_EQ(text_of(first.message(3)), text_of(second.message(3)));
  EXPECT_NE(text_of(first.message(0)), text_of(first.message(1)));
  EXPECT_TRUE(text_of(CorpusSlicer("json", 64).message(0)).starts_with("[\n  {\"id\": 1, \"name\": "));
}

// Text messages are valid UTF-8 even though the corpora hold multi-byte characters and
// slices fall anywhere: each starts and ends on a whole character.
TEST(Corpus, TextSlicesAreWholeCharacters) {
  for (const char* name : {"json", "html", "prose"}) {
    for (const std::uint64_t size : {1u, 7u, 100u, 4096u, 300000u}) {
      CorpusSlicer slicer(name, size);
      for (std::size_t index = 0; index < 40; ++index) {
        const codec::ByteView message = slicer.message(index);
        EXPECT_LE(message.size(), size);
        EXPECT_GE(message.size() + 6, size) << name << " " << size;
        EXPECT_TRUE(codec::is_valid_utf8(message)) << name << " " << size << " " << index;
      }
    }
  }
}

TEST(Corpus, BinaryCorporaWrapRoundWithoutCutting) {
  CorpusSlicer noise("noise", 200 * 1024);
  for (std::size_t index = 0; index < 5; ++index) EXPECT_EQ(noise.message(index).size(), 200u * 1024);
  EXPECT_TRUE(is_corpus("bitmap"));
  EXPECT_FALSE(is_corpus("lena"));
  EXPECT_THROW(CorpusSlicer("lena", 10), std::invalid_argument);
}

}  // namespace
}  // namespace wsprobe::conformance
