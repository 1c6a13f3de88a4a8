#include "common/backoff.h"

#include <algorithm>
#include <cstdint>
#include <random>

namespace imagegen {

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, double random01,
                                        Jitter jitter) {
  using std::chrono::milliseconds;
  if (base <= milliseconds::zero()) base = milliseconds(1);
  if (cap < base) cap = base;
  // Doubling stops at the cap; counting the doublings keeps large attempts from overflowing.
  std::int64_t ceiling = base.count();
  for (int i = 1; i < attempt && ceiling < cap.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap.count());
  const double r = std::clamp(random01, 0.0, 1.0);
  if (jitter == Jitter::kFull) {
    const auto drawn = static_cast<std::int64_t>(r * static_cast<double>(ceiling));
    return milliseconds(std::min(drawn, ceiling - 1));
  }
  const double half = static_cast<double>(ceiling) / 2.0;
  return milliseconds(static_cast<std::int64_t>(half + half * r + 0.5));
}

double unit_random() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace imagegen
