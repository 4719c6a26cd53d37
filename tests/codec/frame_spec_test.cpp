#include "codec/frame_spec.h"

#include <gtest/gtest.h>

#include "base/errors.h"
#include "codec/frame.h"

namespace wsprobe::codec {
namespace {

std::string hex(codec::ByteView bytes) {
  std::string text;
  static constexpr char digits[] = "0123456789abcdef";
  for (std::uint8_t byte : bytes) (text += digits[byte >> 4]) += digits[byte & 0xf];
  return text;
}

std::string wire(const std::string& spec) {
  std::string text;
  for (const BuiltFrame& frame : build_frames(parse_frame_spec(spec))) text += (text.empty() ? "" : " ") + hex(frame.wire);
  return text;
}

TEST(FrameSpec, KindsFlagsAndPayloadsBuildExactBytes) {
  EXPECT_EQ(wire("text/mask=off:Hello"), "810548656c6c6f");
  EXPECT_EQ(wire("text/mask=37fa213d:Hello"), "818537fa213d7f9f4d5158");  // RFC 6455 5.7
  EXPECT_EQ(wire("text/fin=0/mask=off:Hel"), "010348656c");
  EXPECT_EQ(wire("cont/mask=off:lo"), "80026c6f");
  EXPECT_EQ(wire("0xb/mask=off:"), "8b00");
  EXPECT_EQ(wire("binary/rsv1/rsv3/mask=off:hex:01 ff*2"), "d20301ffff");
  EXPECT_EQ(wire("close/mask=off:1000:bye"), "880503e8627965");
  EXPECT_EQ(wire("close/mask=off:hex:03"), "880103");
  EXPECT_EQ(wire("ping/mask=off:repeat:3:ab"), "8906616261626162");
  EXPECT_EQ(wire("text/len16/mask=off:hi"), "817e00026869");
  EXPECT_EQ(wire("text/len64/mask=off:hi"), "817f00000000000000026869");
  EXPECT_EQ(wire("text/len=100/mask=off:hi"), "81646869");
  EXPECT_EQ(wire("text/fragments=3/mask=off:abcdef"), "01026162 00026364 80026566");
}

TEST(FrameSpec, FreshMaskKeysByDefault) {
  const auto frames = build_frames(parse_frame_spec("text/fragments=2:abcd"));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0].header.masked);
  EXPECT_NE(frames[0].header.mask_key, frames[1].header.mask_key);
}

TEST(FrameSpec, TimingFlags) {
  const FrameSpec spec = parse_frame_spec("text/dribble=10ms/delay=1s:x");
  EXPECT_EQ(spec.dribble, std::chrono::milliseconds(10));
  EXPECT_EQ(spec.delay, std::chrono::milliseconds(1000));
}

TEST(FrameSpec, MistakesAreUsageErrors) {
  for (const char* spec : {"", "bogus", "16", "text/fin=2", "text/mask=12", "text/len=x", "text/fragments=0:ab",
                           "text:hex:0", "close:99999", "text/dribble=fast:x", "text/what:x",
                           "text:repeat:9223372036854775808:x", "text:repeat:300000000:x",
                           "binary:hex:0001020304050607*67108864", "binary:hex:00*200000000 00*200000000"}) {
    try {
      parse_frame_spec(spec);
      ADD_FAILURE() << "accepted " << spec;
    } catch (const Error& failure) {
      EXPECT_EQ(failure.kind(), ErrorKind::usage) << spec;
    }
  }
}

}  // namespace
}  // namespace wsprobe::codec
