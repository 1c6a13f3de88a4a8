#include "simulator/fault_injector.h"

namespace imagegen::sim {
namespace {

// SplitMix64's finaliser: a good 64-bit mix of a counter, so the draws are independent.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

bool FaultInjector::should_fail() {
  if (rate_ <= 0.0) return false;
  if (rate_ >= 1.0) return true;
  const std::uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
  const double draw = static_cast<double>(mix(seed_ ^ mix(n)) >> 11) * 0x1.0p-53;  // [0, 1)
  return draw < rate_;
}

}  // namespace imagegen::sim
