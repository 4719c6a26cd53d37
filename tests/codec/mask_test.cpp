#include "codec/mask.h"

#include <gtest/gtest.h>

#include "support/chunks.h"

namespace wsprobe::codec {
namespace {

Bytes reference_mask(Bytes data, MaskKey key, std::uint64_t offset) {
  for (std::size_t i = 0; i < data.size(); ++i) data[i] ^= key[(offset + i) % 4];
  return data;
}

TEST(Mask, RfcExample) {
  Bytes hello = test::bytes_of("Hello");
  apply_mask(hello, {0x37, 0xfa, 0x21, 0x3d});
  EXPECT_EQ(test::to_hex(hello), "7f 9f 4d 51 58");
}

// Every test runs on each path this CPU has.
class MaskPaths : public testing::TestWithParam<MaskPath> {
 protected:
  void SetUp() override {
    if (!mask_path_supported(GetParam())) GTEST_SKIP() << "this CPU lacks the path";
  }
  void mask(MutableByteView data, MaskKey key, std::uint64_t offset = 0) { apply_mask(GetParam(), data, key, offset); }
};

INSTANTIATE_TEST_SUITE_P(Mask, MaskPaths, testing::Values(MaskPath::portable, MaskPath::avx2),
                         [](const testing::TestParamInfo<MaskPath>& info) {
                           return info.param == MaskPath::avx2 ? std::string("avx2") : std::string("portable");
                         });

TEST(Mask, BestPathIsSupported) { EXPECT_TRUE(mask_path_supported(best_mask_path())); }

TEST_P(MaskPaths, MatchesTheByteLoopForEveryLengthAlignmentAndKeyOffset) {
  const MaskKey key{0x37, 0xfa, 0x21, 0x3d};
  // Lengths past four vectors and alignments across a whole vector reach every head, body
  // and tail of the vector paths.
  Bytes buffer(300 + 32);
  for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = static_cast<std::uint8_t>(i * 31 + 7);
  for (std::size_t length = 0; length <= 300; ++length) {
    for (std::size_t align = 0; align < 32; ++align) {
      for (std::uint64_t offset = 0; offset < 4; ++offset) {
        Bytes data = buffer;
        MutableByteView slice(data.data() + align, length);
        mask(slice, key, offset);
        const Bytes expected = reference_mask(Bytes(buffer.begin() + align, buffer.begin() + align + length), key,
                                              offset);
        ASSERT_TRUE(std::equal(slice.begin(), slice.end(), expected.begin()))
            << "length " << length << " align " << align << " offset " << offset;
        // Bytes around the slice are untouched.
        ASSERT_TRUE(std::equal(data.begin(), data.begin() + align, buffer.begin()));
        ASSERT_TRUE(std::equal(data.begin() + align + length, data.end(), buffer.begin() + align + length));
      }
    }
  }
}

TEST_P(MaskPaths, PiecewiseUnmaskingWithOffsetsEqualsOneCall) {
  const MaskKey key{0xde, 0xad, 0xbe, 0xef};
  Bytes whole(1000);
  for (std::size_t i = 0; i < whole.size(); ++i) whole[i] = static_cast<std::uint8_t>(i);
  Bytes pieces = whole;
  mask(whole, key);
  std::size_t at = 0;
  for (std::size_t step : {1, 3, 7, 64, 5, 500, 420}) {
    mask(MutableByteView(pieces).subspan(at, step), key, at);
    at += step;
  }
  ASSERT_EQ(at, pieces.size());
  EXPECT_EQ(pieces, whole);
}

TEST_P(MaskPaths, TwiceIsIdentity) {
  Bytes data = test::bytes_of("the same operation both ways, long enough for two vectors and a tail");
  const Bytes original = data;
  mask(data, {1, 2, 3, 4}, 2);
  EXPECT_NE(data, original);
  mask(data, {1, 2, 3, 4}, 2);
  EXPECT_EQ(data, original);
}

}  // namespace
}  // namespace wsprobe::codec
