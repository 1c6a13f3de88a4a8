#pragma once
// The bounded store behind the simulator's remembered state (tasks, result files, partial
// counters): a map whose entries all live the same time, so insertion order is expiry order and a
// FIFO queue expires them; past `max_entries` the oldest are dropped early. Not thread-safe: each
// owner locks its own mutex around it (and around whatever else it keeps with it).
#include <chrono>
#include <cstddef>
#include <deque>
#include <unordered_map>
#include <utility>

namespace imagegen::sim {

template <typename Key, typename Value>
class ExpiringMap {
 public:
  using Clock = std::chrono::steady_clock;

  // Every entry lives `ttl` from its insertion; at most `max_entries` are kept.
  ExpiringMap(Clock::duration ttl, std::size_t max_entries)
      : ttl_(ttl), max_entries_(max_entries) {}

  // Drops every entry whose expiry is at or before `now`.
  void expire(Clock::time_point now) {
    while (!expiries_.empty() && expiries_.front().second <= now) drop_oldest();
  }

  // The entry of `key`; when there is none, `value` is stored under it, expiring `ttl` after `now`
  // (never earlier than an earlier insertion's `now`), and the oldest entries are dropped while
  // there are more than `max_entries`. nullptr when that dropped the new entry itself (a bound of
  // 0).
  Value* insert(const Key& key, Value value, Clock::time_point now) {
    auto [it, inserted] = entries_.try_emplace(key, std::move(value));
    if (!inserted) return &it->second;
    expiries_.emplace_back(key, now + ttl_);
    while (entries_.size() > max_entries_ && !expiries_.empty()) drop_oldest();
    return find(key);
  }

  Value* find(const Key& key) {
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }

  std::size_t size() const { return entries_.size(); }

 private:
  void drop_oldest() {
    entries_.erase(expiries_.front().first);
    expiries_.pop_front();
  }

  Clock::duration ttl_;
  std::size_t max_entries_;
  std::unordered_map<Key, Value> entries_;
  std::deque<std::pair<Key, Clock::time_point>> expiries_;  // oldest first
};

}  // namespace imagegen::sim
