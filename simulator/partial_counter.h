#pragma once
// Remembers how many images `[sim:partial=K]` prompts have been given, so that across every
// sub-request and retry of one job only K images are ever delivered.
//
// Keyed by a 64-bit hash of the prompt text (bounded memory however long prompts are). Entries
// live for a fixed TTL from their first use; since every entry gets the same TTL, insertion order
// is expiry order and a FIFO queue is enough to expire them. At most `max_entries` are kept; past
// that the oldest are dropped early. Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "simulator/expiring_map.h"

namespace imagegen::sim {

class PartialCounter {
 public:
  using Clock = ExpiringMap<std::uint64_t, std::uint32_t>::Clock;

  explicit PartialCounter(std::chrono::seconds ttl = std::chrono::minutes(5),
                          std::size_t max_entries = 100'000)
      : entries_(ttl, max_entries) {}

  // Grants up to `wanted` of the `limit` images this prompt may ever receive and records them.
  // Returns how many were granted (0 once the prompt has had its `limit`).
  std::uint32_t take(std::string_view prompt, std::uint32_t limit, std::uint32_t wanted,
                     Clock::time_point now);

  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  ExpiringMap<std::uint64_t, std::uint32_t> entries_;  // prompt hash -> images delivered
};

}  // namespace imagegen::sim
