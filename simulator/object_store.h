#pragma once
// The Supabase Storage stand-in's memory: objects by "bucket/path", bounded by total bytes with
// least-recently-used eviction (a benchmark uploads far more than anyone reads back), plus the
// upload fault injection: `--storage-fail-rate` and the fail-once-per-path rule. Thread-safe.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "simulator/fault_injector.h"

namespace imagegen::sim {

struct StoredObject {
  std::string bytes;
  std::string content_type;
  std::string id;
};

enum class PutOutcome { kStored, kDuplicate, kTooLarge };

class ObjectStore {
 public:
  explicit ObjectStore(std::size_t max_bytes = 256u << 20, double fail_rate = 0.0,
                       std::uint64_t seed = 1)
      : max_bytes_(max_bytes), faults_(fail_rate, seed) {}

  // Stores `bytes` under `key` unless it exists and `upsert` is false. `id` gets the object's id
  // (a new one on every write).
  PutOutcome put(const std::string& key, std::string bytes, std::string content_type, bool upsert,
                 std::string& id);

  // The object (and marks it recently used); nullptr when absent or evicted.
  std::shared_ptr<const StoredObject> get(const std::string& key);

  // True the first time it is asked about `key`, false after (bounded memory: the set is cleared
  // when it holds 100,000 keys).
  bool first_attempt(const std::string& key);

  // One `--storage-fail-rate` draw.
  bool should_fail() { return faults_.should_fail(); }

  std::size_t total_bytes() const;
  std::size_t count() const;

 private:
  struct Entry {
    std::shared_ptr<const StoredObject> object;
    std::list<std::string>::iterator recency;
  };

  std::size_t max_bytes_;
  FaultInjector faults_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> objects_;
  std::list<std::string> recency_;  // most recently used first
  std::size_t total_bytes_ = 0;
  std::unordered_set<std::string> attempted_;
};

}  // namespace imagegen::sim
