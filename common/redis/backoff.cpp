#include "common/redis/backoff.h"

#include <algorithm>

namespace imagegen::redis {

std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, double random01) {
  using std::chrono::milliseconds;
  if (initial <= milliseconds::zero()) initial = milliseconds(1);
  if (max < initial) max = initial;
  // Doubling stops at the cap; counting the doublings keeps large attempts from overflowing.
  milliseconds ceiling = initial;
  for (int i = 1; i < attempt && ceiling < max; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max);
  double r = std::clamp(random01, 0.0, 1.0);
  auto half = ceiling.count() / 2.0;
  return milliseconds(static_cast<milliseconds::rep>(half + half * r + 0.5));
}

}  // namespace imagegen::redis
