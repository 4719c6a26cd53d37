#include "cli/input_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <unistd.h>

namespace wsprobe::cli {
namespace {

class InputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/wsprobe_input_XXXXXX";
    const int fd = ::mkstemp(name);
    ASSERT_GE(fd, 0);
    ::close(fd);
    path_ = name;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void write(const std::string& content) { std::ofstream(path_, std::ios::binary) << content; }
  std::string path_;
};

TEST_F(InputFileTest, ReadsAFileUpToTheLimitWhole) {
  write(std::string("ab\0cd", 5));
  const InputFile file = read_input_file(path_, 5);
  EXPECT_EQ(file.status, InputFile::Status::ok);
  EXPECT_EQ(file.bytes, (codec::Bytes{'a', 'b', 0, 'c', 'd'}));
}

TEST_F(InputFileTest, OneByteOverTheLimitIsTooBig) {
  write("abcdef");
  EXPECT_EQ(read_input_file(path_, 5).status, InputFile::Status::too_big);
}

TEST_F(InputFileTest, AnEmptyFileIsAnEmptyPayload) {
  const InputFile file = read_input_file(path_, 5);
  EXPECT_EQ(file.status, InputFile::Status::ok);
  EXPECT_TRUE(file.bytes.empty());
}

TEST(InputFile, AnEndlessDeviceStopsAtTheLimit) {
  EXPECT_EQ(read_input_file("/dev/zero", 1 << 20).status, InputFile::Status::too_big);
}

TEST(InputFile, AMissingFileIsUnreadable) {
  EXPECT_EQ(read_input_file("/nonexistent/wsprobe", 5).status, InputFile::Status::unreadable);
}

}  // namespace
}  // namespace wsprobe::cli
