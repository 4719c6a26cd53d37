// Replays every seed and every kept crash input in testdata/fuzz/TARGET/ through the
// fuzz target bodies, so the normal (and sanitizer) test run covers them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/targets.h"

namespace wsprobe::fuzz {
namespace {

using Body = int (*)(const std::uint8_t*, std::size_t);

std::size_t replay(const std::string& target, Body body) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(WSPROBE_TESTDATA) + "/fuzz/" + target)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(body(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
    ++count;
  }
  return count;
}

TEST(FuzzCorpus, FrameFuzz) { EXPECT_GT(replay("frame_fuzz", frame_fuzz), 20u); }
TEST(FuzzCorpus, HandshakeFuzz) { EXPECT_GT(replay("handshake_fuzz", handshake_fuzz), 10u); }
TEST(FuzzCorpus, ExtensionsFuzz) { EXPECT_GT(replay("extensions_fuzz", extensions_fuzz), 10u); }
TEST(FuzzCorpus, SseFuzz) { EXPECT_GT(replay("sse_fuzz", sse_fuzz), 20u); }
TEST(FuzzCorpus, ClientFuzz) { EXPECT_GE(replay("client_fuzz", client_fuzz), 10u); }
TEST(FuzzCorpus, Utf8Fuzz) { EXPECT_GE(replay("utf8_fuzz", utf8_fuzz), 10u); }

// Every other corpus holds text too (frames, streams, heads), much of it broken: each
// file also goes through the UTF-8 comparison of every path with the DFA.
TEST(FuzzCorpus, EveryCorpusThroughEveryUtf8Path) {
  std::size_t count = 0;
  for (const char* target : {"frame_fuzz", "handshake_fuzz", "extensions_fuzz", "sse_fuzz", "client_fuzz"}) {
    count += replay(target, utf8_fuzz);
  }
  EXPECT_GT(count, 70u);
}

}  // namespace
}  // namespace wsprobe::fuzz
