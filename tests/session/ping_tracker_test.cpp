#include "session/ping_tracker.h"

#include <gtest/gtest.h>

#include <tuple>

namespace wsprobe::session {
namespace {

codec::Bytes text(std::string_view value) { return codec::Bytes(value.begin(), value.end()); }

TEST(PingTracker, MatchesPongsToPingsBySequence) {
  PingTracker tracker(1000);
  EXPECT_EQ(tracker.next_ping(0), text("wsprobe 1"));
  EXPECT_EQ(tracker.next_ping(100), text("wsprobe 2"));
  const auto second = tracker.pong(text("wsprobe 2"), 130);
  EXPECT_EQ(second.sequence, 2u);
  EXPECT_EQ(second.rtt_ms, 30);
  const auto first = tracker.pong(text("wsprobe 1"), 140);
  EXPECT_EQ(first.rtt_ms, 140);
  EXPECT_EQ(tracker.answered(), 2u);
  EXPECT_EQ(tracker.sent(), 2u);
}

TEST(PingTracker, RoundTripsCountFromTheWrite) {
  PingTracker tracker(1000);
  tracker.next_ping(10);
  tracker.written(12);
  EXPECT_EQ(tracker.pong(text("wsprobe 1"), 20).rtt_ms, 8);
}

TEST(PingTracker, UnsolicitedAndUnknownPongsAreCounted) {
  PingTracker tracker(1000);
  tracker.next_ping(0);
  EXPECT_FALSE(tracker.pong(text("keepalive"), 5).sequence);
  EXPECT_FALSE(tracker.pong(text("wsprobe 9"), 5).sequence);
  EXPECT_FALSE(tracker.pong(text("wsprobe 1x"), 5).sequence);
  EXPECT_FALSE(tracker.pong({}, 5).sequence);
  EXPECT_EQ(tracker.unmatched(), 4u);
  EXPECT_EQ(tracker.pong(text("wsprobe 1"), 6).sequence, 1u);
  EXPECT_FALSE(tracker.pong(text("wsprobe 1"), 7).sequence) << "a second pong for one ping";
}

// A pong after the timeout is late, and its round trip counts: leaving late pongs out
// biased the figures toward fast ones. Only a pong that never came is lost.
TEST(PingTracker, LatePongsCountAndOnlyPongsThatNeverCameAreLost) {
  PingTracker tracker(500);
  tracker.next_ping(0);
  tracker.next_ping(200);
  EXPECT_EQ(tracker.next_late_at(), 500);
  EXPECT_TRUE(tracker.newly_late(499).empty());
  EXPECT_EQ(tracker.newly_late(500), std::vector<std::uint64_t>{1});
  EXPECT_TRUE(tracker.newly_late(600).empty()) << "late once";
  EXPECT_EQ(tracker.next_late_at(), 700);
  const auto late = tracker.pong(text("wsprobe 1"), 900);
  EXPECT_TRUE(late.late);
  EXPECT_EQ(late.rtt_ms, 900);
  const auto on_time = tracker.pong(text("wsprobe 2"), 250);
  EXPECT_FALSE(on_time.late);
  EXPECT_EQ(std::tuple(tracker.answered(), tracker.late(), tracker.lost()), std::tuple(2u, 1u, 0u));
  EXPECT_EQ(tracker.rtts(), (std::vector<double>{900, 50}));
  tracker.next_ping(1000);
  tracker.newly_late(1600);
  EXPECT_FALSE(tracker.next_late_at());
  EXPECT_EQ(tracker.finish(2000), (std::vector<std::pair<std::uint64_t, double>>{{3, 1000}}));
  EXPECT_EQ(tracker.lost(), 1u);
  EXPECT_FALSE(tracker.pong(text("wsprobe 3"), 2100).rtt_ms) << "after the end, nothing is outstanding";
}

TEST(RttSummary, PercentilesJitterAndExtremes) {
  const RttSummary summary = summarize_rtts({10, 12, 11, 50, 13, 12, 11, 10, 14, 12});
  EXPECT_EQ(summary.samples, 10u);
  EXPECT_EQ(summary.min_ms, 10);
  EXPECT_EQ(summary.max_ms, 50);
  EXPECT_DOUBLE_EQ(summary.mean_ms, 15.5);
  EXPECT_EQ(summary.p50_ms, 12);
  EXPECT_EQ(summary.p90_ms, 14);
  EXPECT_EQ(summary.p99_ms, 50);
  // |12-10| + |11-12| + |50-11| + |13-50| + |12-13| + |11-12| + |10-11| + |14-10| + |12-14| = 88, over 9
  EXPECT_NEAR(summary.jitter_ms, 88.0 / 9, 1e-9);
  EXPECT_EQ(summarize_rtts({}).samples, 0u);
  EXPECT_EQ(summarize_rtts({7}).jitter_ms, 0);
}

}  // namespace
}  // namespace wsprobe::session
