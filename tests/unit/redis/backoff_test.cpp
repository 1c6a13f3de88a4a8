#include "common/redis/backoff.h"

#include <gtest/gtest.h>

namespace imagegen::redis {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesFromInitialUpToTheCap) {
  // With the top draw the delay is the ceiling itself.
  const double top = 0.999999;
  EXPECT_EQ(backoff_delay(1, milliseconds(50), milliseconds(2000), top), milliseconds(50));
  EXPECT_EQ(backoff_delay(2, milliseconds(50), milliseconds(2000), top), milliseconds(100));
  EXPECT_EQ(backoff_delay(3, milliseconds(50), milliseconds(2000), top), milliseconds(200));
  EXPECT_EQ(backoff_delay(6, milliseconds(50), milliseconds(2000), top), milliseconds(1600));
  EXPECT_EQ(backoff_delay(7, milliseconds(50), milliseconds(2000), top), milliseconds(2000));
  EXPECT_EQ(backoff_delay(1000000, milliseconds(50), milliseconds(2000), top), milliseconds(2000));
}

TEST(Backoff, JitterKeepsTheUpperHalfOfTheCeiling) {
  EXPECT_EQ(backoff_delay(3, milliseconds(50), milliseconds(2000), 0.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(3, milliseconds(50), milliseconds(2000), 0.5), milliseconds(150));
  for (double r = 0.0; r < 1.0; r += 0.01) {
    auto d = backoff_delay(20, milliseconds(50), milliseconds(2000), r);
    EXPECT_GE(d, milliseconds(1000));
    EXPECT_LE(d, milliseconds(2000));
  }
}

TEST(Backoff, ToleratesOddSettings) {
  EXPECT_GE(backoff_delay(1, milliseconds(0), milliseconds(0), 0.5), milliseconds(0));
  EXPECT_EQ(backoff_delay(5, milliseconds(100), milliseconds(10), 0.999999), milliseconds(100));
  EXPECT_EQ(backoff_delay(0, milliseconds(80), milliseconds(1000), 0.999999), milliseconds(80));
}

}  // namespace
}  // namespace imagegen::redis
