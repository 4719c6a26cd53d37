#include "base/units.h"

#include <gtest/gtest.h>

namespace wsprobe {
namespace {

TEST(Units, DurationsTakeAUnit) {
  EXPECT_EQ(parse_duration("250ms"), Milliseconds(250));
  EXPECT_EQ(parse_duration("5s"), Milliseconds(5000));
  EXPECT_EQ(parse_duration("1.5s"), Milliseconds(1500));
  EXPECT_EQ(parse_duration("2m"), Milliseconds(120000));
  EXPECT_EQ(parse_duration("1h"), Milliseconds(3600000));
  EXPECT_EQ(parse_duration("0s"), Milliseconds(0));
}

TEST(Units, BadDurationsAreRefused) {
  for (const char* text : {"", "5", "s", "-1s", "5 s", "5sec", "1e3ms", "1..5s", "200h", "5S"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << text;
  }
}

TEST(Units, Sizes) {
  EXPECT_EQ(parse_size("512"), 512u);
  EXPECT_EQ(parse_size("512B"), 512u);
  EXPECT_EQ(parse_size("64KiB"), 65536u);
  EXPECT_EQ(parse_size("16MiB"), 16u * 1024 * 1024);
  EXPECT_EQ(parse_size("1GiB"), 1024u * 1024 * 1024);
  EXPECT_EQ(parse_size("10KB"), 10000u);
  for (const char* text : {"", "KiB", "1.5MiB", "-1", "16mib", "16 MiB", "99999999999GiB"}) {
    EXPECT_EQ(parse_size(text), std::nullopt) << text;
  }
}

TEST(Units, FormatsDurationsInTheirLargestWholeUnit) {
  EXPECT_EQ(format_duration(Milliseconds(250)), "250ms");
  EXPECT_EQ(format_duration(Milliseconds(5000)), "5s");
  EXPECT_EQ(format_duration(Milliseconds(120000)), "2m");
  EXPECT_EQ(format_duration(Milliseconds(1500)), "1500ms");
  EXPECT_EQ(format_duration(Milliseconds(0)), "0ms");
}

}  // namespace
}  // namespace wsprobe
