#include "session/stream_health.h"

#include <gtest/gtest.h>

namespace wsprobe::session {
namespace {

std::vector<std::string> ids(const std::vector<HealthWarning>& warnings) {
  std::vector<std::string> out;
  for (const auto& warning : warnings) out.push_back(warning.id);
  return out;
}

TEST(StreamHealth, JudgesTheHeadersOfTheFirstResponse) {
  StreamHealth health;
  EXPECT_EQ(ids(health.response({{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}}, 0, 1)),
            std::vector<std::string>{});
  StreamHealth bad;
  EXPECT_EQ(ids(bad.response({{"Content-Type", "text/event-stream; charset=iso-8859-1"},
                              {"Content-Encoding", "br"},
                              {"Cache-Control", "max-age=60"}},
                             0, 1)),
            (std::vector<std::string>{"sse.content-encoding", "sse.cache-control", "sse.charset"}));
  EXPECT_EQ(ids(bad.response({}, 10, 11)), std::vector<std::string>{}) << "judged once";
  StreamHealth store;
  EXPECT_EQ(ids(store.response({{"Cache-Control", "private, NO-STORE"}, {"Content-Encoding", "identity"}}, 0, 1)),
            std::vector<std::string>{});
}

TEST(StreamHealth, ReportsABurstAfterASilenceWithItsEvidence) {
  StreamHealth health({.burst_silence_ms = 1000, .burst_window_ms = 50, .burst_events = 3});
  health.response({{"Cache-Control", "no-cache"}}, 0, 5);
  EXPECT_FALSE(health.event("1", 10));
  EXPECT_FALSE(health.event("2", 110));
  EXPECT_FALSE(health.event("3", 1610));  // 1.5 s of silence: a burst may start
  EXPECT_FALSE(health.event("4", 1611));
  EXPECT_FALSE(health.event("5", 1612));
  const auto warning = health.event("6", 1800);  // outside the window: the burst closes
  ASSERT_TRUE(warning);
  EXPECT_EQ(warning->id, "sse.burst");
  EXPECT_EQ(warning->message.substr(0, 57), "3 events arrived within 2.0 ms after 1.5 s of silence (id");
  EXPECT_NE(warning->message.find("(ids 3 to 5)"), std::string::npos);
  EXPECT_EQ(health.summary().bursts, 1u);
  EXPECT_EQ(health.summary().longest_gap_ms, 1500);
}

TEST(StreamHealth, RegularEventsAndShortBatchesAreNotBursts) {
  StreamHealth health;
  health.response({}, 0, 0);
  for (int i = 1; i <= 20; ++i) EXPECT_FALSE(health.event(std::to_string(i), i * 100.0));
  EXPECT_FALSE(health.event("a", 3100));  // a silence followed by two events only
  EXPECT_FALSE(health.event("b", 3101));
  EXPECT_FALSE(health.connection_end());
  EXPECT_EQ(health.summary().bursts, 0u);
}

TEST(StreamHealth, ABurstOpenAtTheEndOfAConnectionIsReported) {
  StreamHealth health;
  health.response({}, 0, 0);
  health.event("1", 2000);
  health.event("2", 2001);
  health.event("3", 2002);
  const auto warning = health.connection_end();
  ASSERT_TRUE(warning);
  EXPECT_EQ(warning->id, "sse.burst");
}

TEST(StreamHealth, FirstByteFirstEventAndGaps) {
  StreamHealth health;
  health.response({}, 100, 103);
  health.body(20, 104);
  health.event("1", 105);
  health.event("2", 135);
  health.connection_end();
  health.response({}, 500, 502);  // a reconnection: the gap restarts at its head
  health.event("3", 512);
  const HealthSummary summary = health.summary();
  EXPECT_EQ(summary.first_byte_ms, 4);
  EXPECT_EQ(summary.first_event_ms, 5);
  EXPECT_EQ(summary.longest_gap_ms, 30);
  EXPECT_EQ(summary.events, 3u);
  EXPECT_EQ(summary.bytes, 20u);
}

}  // namespace
}  // namespace wsprobe::session
