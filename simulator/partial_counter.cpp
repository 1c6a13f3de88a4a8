#include "simulator/partial_counter.h"

#include <algorithm>
#include <functional>

namespace imagegen::sim {

std::uint32_t PartialCounter::take(std::string_view prompt, std::uint32_t limit,
                                   std::uint32_t wanted, Clock::time_point now) {
  const std::uint64_t key = std::hash<std::string_view>{}(prompt);
  std::lock_guard lock(mutex_);
  expire(now);
  auto [it, inserted] = entries_.try_emplace(key);
  if (inserted) {
    expiries_.push_back({key, now + ttl_});
    if (entries_.size() > max_entries_) {  // over the bound: forget the oldest prompt early
      entries_.erase(expiries_.front().key);
      expiries_.pop_front();
    }
    it = entries_.find(key);  // the erase above may have been this very key when max_entries_ == 0
    if (it == entries_.end()) return std::min(limit, wanted);
  }
  const std::uint32_t left = limit > it->second.delivered ? limit - it->second.delivered : 0;
  const std::uint32_t granted = std::min(left, wanted);
  it->second.delivered += granted;
  return granted;
}

void PartialCounter::expire(Clock::time_point now) {
  while (!expiries_.empty() && expiries_.front().at <= now) {
    entries_.erase(expiries_.front().key);
    expiries_.pop_front();
  }
}

std::size_t PartialCounter::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace imagegen::sim
