#include "simulator/partial_counter.h"

#include <algorithm>
#include <functional>

namespace imagegen::sim {

std::uint32_t PartialCounter::take(std::string_view prompt, std::uint32_t limit,
                                   std::uint32_t wanted, Clock::time_point now) {
  const std::uint64_t key = std::hash<std::string_view>{}(prompt);
  std::lock_guard lock(mutex_);
  entries_.expire(now);
  std::uint32_t* delivered = entries_.insert(key, 0, now);
  if (delivered == nullptr) return std::min(limit, wanted);  // a bound of 0 keeps nothing
  const std::uint32_t left = limit > *delivered ? limit - *delivered : 0;
  const std::uint32_t granted = std::min(left, wanted);
  *delivered += granted;
  return granted;
}

std::size_t PartialCounter::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace imagegen::sim
