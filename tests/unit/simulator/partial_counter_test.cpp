#include "simulator/partial_counter.h"

#include <gtest/gtest.h>

namespace imagegen::sim {
namespace {

using namespace std::chrono_literals;
const PartialCounter::Clock::time_point t0{};

TEST(SimPartialCounter, DeliversOnlyTheLimitAcrossCalls) {
  PartialCounter counter;
  EXPECT_EQ(counter.take("p", 2, 1, t0), 1u);
  EXPECT_EQ(counter.take("p", 2, 1, t0), 1u);
  EXPECT_EQ(counter.take("p", 2, 1, t0), 0u);
  EXPECT_EQ(counter.take("p", 2, 1, t0 + 1s), 0u);
}

TEST(SimPartialCounter, GrantsPartOfABatch) {
  PartialCounter counter;
  EXPECT_EQ(counter.take("p", 3, 4, t0), 3u);
  EXPECT_EQ(counter.take("p", 3, 4, t0), 0u);
}

TEST(SimPartialCounter, CountsEachPromptSeparately) {
  PartialCounter counter;
  EXPECT_EQ(counter.take("a", 1, 1, t0), 1u);
  EXPECT_EQ(counter.take("b", 1, 1, t0), 1u);
  EXPECT_EQ(counter.take("a", 1, 1, t0), 0u);
}

TEST(SimPartialCounter, ForgetsAfterTheTtl) {
  PartialCounter counter(60s);
  EXPECT_EQ(counter.take("p", 1, 1, t0), 1u);
  EXPECT_EQ(counter.take("p", 1, 1, t0 + 59s), 0u);
  EXPECT_EQ(counter.take("p", 1, 1, t0 + 60s), 1u);
  EXPECT_EQ(counter.size(), 1u);
}

TEST(SimPartialCounter, StaysBoundedByDroppingTheOldest) {
  PartialCounter counter(60s, 2);
  counter.take("a", 1, 1, t0);
  counter.take("b", 1, 1, t0);
  counter.take("c", 1, 1, t0);
  EXPECT_EQ(counter.size(), 2u);
  EXPECT_EQ(counter.take("a", 1, 1, t0), 1u);  // "a" was dropped, so it starts over
}

TEST(SimPartialCounter, ZeroLimitNeverDelivers) {
  PartialCounter counter;
  EXPECT_EQ(counter.take("p", 0, 1, t0), 0u);
}

}  // namespace
}  // namespace imagegen::sim
