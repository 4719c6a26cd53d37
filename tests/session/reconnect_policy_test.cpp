#include "session/reconnect_policy.h"

#include <gtest/gtest.h>

namespace wsprobe::session {
namespace {

using std::chrono::milliseconds;

TEST(ReconnectPolicy, FixedIntervalGivesUpAfterMaxFailuresInARow) {
  ReconnectPolicy policy({.retry_interval = milliseconds(5000), .max_retries = 3});
  EXPECT_EQ(policy.failed(0), milliseconds(5000));
  EXPECT_EQ(policy.failed(0), milliseconds(5000));
  EXPECT_EQ(policy.failed(0), std::nullopt) << "the third failure in a row gives up";
}

TEST(ReconnectPolicy, ASuccessfulOpenResetsTheCount) {
  ReconnectPolicy policy({.retry_interval = milliseconds(100), .max_retries = 2});
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
