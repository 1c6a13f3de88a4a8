#include "simulator/fault_injector.h"

#include <gtest/gtest.h>

#include <vector>

namespace imagegen::sim {
namespace {

std::vector<bool> draws(double rate, std::uint64_t seed, int n) {
  FaultInjector faults(rate, seed);
  std::vector<bool> out;
  for (int i = 0; i < n; ++i) out.push_back(faults.should_fail());
  return out;
}

TEST(SimFaultInjector, ZeroAndOneAreAbsolute) {
  EXPECT_EQ(draws(0.0, 1, 1000), std::vector<bool>(1000, false));
  EXPECT_EQ(draws(1.0, 1, 1000), std::vector<bool>(1000, true));
}

TEST(SimFaultInjector, SameSeedSameSequence) {
  EXPECT_EQ(draws(0.3, 42, 500), draws(0.3, 42, 500));
  EXPECT_NE(draws(0.3, 42, 500), draws(0.3, 43, 500));
}

TEST(SimFaultInjector, FailsAboutTheAskedShare) {
  int failed = 0;
  for (bool f : draws(0.1, 7, 20000)) failed += f;
  EXPECT_NEAR(failed / 20000.0, 0.1, 0.01);
}

}  // namespace
}  // namespace imagegen::sim
