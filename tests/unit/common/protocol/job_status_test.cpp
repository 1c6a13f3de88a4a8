#include "common/protocol/job_status.h"

#include <gtest/gtest.h>

namespace imagegen::protocol {
namespace {

TEST(FinalStatus, FollowsWhatWasDelivered) {
  EXPECT_EQ(final_status(4, 4, 0, false), kSucceeded);
  EXPECT_EQ(final_status(4, 1, 3, true), kPartial);
  EXPECT_EQ(final_status(2, 0, 2, false), kBlocked);
  EXPECT_EQ(final_status(2, 0, 1, true), kExpired);
  EXPECT_EQ(final_status(2, 0, 1, false), kFailed);
}

TEST(IsFinal, OnlyQueuedAndRunningAreNot) {
  EXPECT_FALSE(is_final(kQueued));
  EXPECT_FALSE(is_final(kRunning));
  EXPECT_FALSE(is_final(""));
  for (auto s : {kSucceeded, kPartial, kFailed, kBlocked, kExpired, kCancelled}) {
    EXPECT_TRUE(is_final(s)) << s;
  }
}

}  // namespace
}  // namespace imagegen::protocol
