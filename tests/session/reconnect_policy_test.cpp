#include "session/reconnect_policy.h"

#include <gtest/gtest.h>

namespace wsprobe::session {
namespace {

using std::chrono::milliseconds;

// --max-retries N means N retries, as in sse: N + 1 attempts in a row, then give up.
TEST(ReconnectPolicy, FixedIntervalGivesUpAfterMaxRetries) {
  ReconnectPolicy policy({.retry_interval = milliseconds(5000), .max_retries = 2});
  EXPECT_EQ(policy.failed(0), milliseconds(5000));
  EXPECT_EQ(policy.failed(0), milliseconds(5000));
  EXPECT_EQ(policy.failed(0), std::nullopt) << "the third failure in a row is past 2 retries";
  ReconnectPolicy none({.retry_interval = milliseconds(5000), .max_retries = 0});
  EXPECT_EQ(none.failed(0), std::nullopt) << "no retry at all";
}

TEST(ReconnectPolicy, ASuccessfulOpenResetsTheCount) {
  ReconnectPolicy policy({.retry_interval = milliseconds(100), .max_retries = 1});
  EXPECT_TRUE(policy.failed(0));
  policy.opened();
  EXPECT_EQ(policy.failures_in_a_row(), 0u);
  EXPECT_TRUE(policy.failed(0));
  EXPECT_FALSE(policy.failed(0));
}

TEST(ReconnectPolicy, ExponentialBackoffIsCappedAndJittered) {
  ReconnectPolicy policy({.retry_interval = milliseconds(100), .max_retries = 100, .exponential = true,
                          .max_interval = milliseconds(1000), .jitter = 0.5});
  EXPECT_EQ(policy.failed(0), milliseconds(100));
  EXPECT_EQ(policy.failed(0), milliseconds(200));
  EXPECT_EQ(policy.failed(0), milliseconds(400));
  EXPECT_EQ(policy.failed(0), milliseconds(800));
  EXPECT_EQ(policy.failed(0), milliseconds(1000));
  EXPECT_EQ(policy.failed(0.5), milliseconds(750)) << "half the jitter range below the cap";
  EXPECT_EQ(policy.failed(0.999), milliseconds(500));
}

TEST(ReconnectPolicy, ADroppedConnectionWaitsTheBaseInterval) {
  ReconnectPolicy policy({.retry_interval = milliseconds(250), .exponential = true});
  EXPECT_EQ(policy.dropped(0), milliseconds(250));
}

}  // namespace
}  // namespace wsprobe::session
