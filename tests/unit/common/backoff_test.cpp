#include "common/backoff.h"

#include <gtest/gtest.h>

namespace imagegen {
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

TEST(Backoff, FullJitterSpansZeroToJustUnderTheCeiling) {
  EXPECT_EQ(backoff_delay(1, milliseconds(200), milliseconds(5000), 0.0, Jitter::kFull),
            milliseconds(0));
  EXPECT_EQ(backoff_delay(3, milliseconds(200), milliseconds(5000), 0.5, Jitter::kFull),
            milliseconds(400));
  EXPECT_EQ(backoff_delay(3, milliseconds(200), milliseconds(5000), 0.999999, Jitter::kFull),
            milliseconds(799));
  EXPECT_EQ(backoff_delay(3, milliseconds(200), milliseconds(5000), 1.0, Jitter::kFull),
            milliseconds(799));  // a draw of exactly 1 still stays below the ceiling
  EXPECT_EQ(backoff_delay(40, milliseconds(200), milliseconds(5000), 1.0, Jitter::kFull),
            milliseconds(4999));
}

TEST(Backoff, ClampsDrawsOutsideTheUnitInterval) {
  EXPECT_EQ(backoff_delay(3, milliseconds(50), milliseconds(2000), -3.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(3, milliseconds(50), milliseconds(2000), 7.0), milliseconds(200));
}

TEST(Backoff, UnitRandomStaysInTheUnitInterval) {
  bool varied = false;
  const double first = unit_random();
  for (int i = 0; i < 1000; ++i) {
    const double r = unit_random();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
    varied = varied || r != first;
  }
  EXPECT_TRUE(varied);
}

}  // namespace
}  // namespace imagegen
