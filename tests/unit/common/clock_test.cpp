#include "common/clock.h"

#include <gtest/gtest.h>

namespace imagegen {
namespace {

TEST(Clock, FormatsIso8601WithMilliseconds) {
  EXPECT_EQ(format_iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601_ms(784111777123), "1994-11-06T08:49:37.123Z");
  EXPECT_EQ(format_iso8601_ms(1835438400007), "2028-02-29T12:00:00.007Z");  // leap day
  EXPECT_EQ(format_iso8601_ms(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Clock, NowIsAfterThisCodeWasWrittenAndAgreesWithItself) {
  const std::int64_t ms = now_ms();
  const std::int64_t s = unix_seconds();
  EXPECT_GT(ms, 1'700'000'000'000);  // 2023-11
  // Read in the order ms, s: the second reading cannot be earlier than the first.
  EXPECT_GE(s, ms / 1000);
  EXPECT_EQ(format_iso8601_ms(ms).size(), 24u);
}

}  // namespace
}  // namespace imagegen
