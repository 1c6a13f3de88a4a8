#pragma once
// Async tasks of the submit-and-poll families (bfl, midjourney, runway, kling, dashscope).
//
// A task's progress is driven by how often it is polled, not by a timer, so tests and benchmarks
// decide how long a task takes: it answers "not finished" to its first `pending_polls` polls and
// finishes on the next one, unless `[sim:delay=MS]` has not elapsed yet (then it stays in its
// last unfinished state) or `[sim:hang]` asked it never to finish. Results are made once, when
// the task finishes, and every later poll sees the same ones.
//
// Bounded: tasks live `ttl` from submission (FIFO expiry, all have the same TTL) and at most
// `max_tasks` are kept, the oldest forgotten first. Thread-safe (one mutex).
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "simulator/directives.h"
#include "simulator/expiring_map.h"

namespace imagegen::sim {

struct SimTask {
  // Set by the family at submission.
  std::string family;
  std::string
      owner;  // the API key when the family limits tasks per key (see in_flight), else empty
  std::string model;
  std::string prompt;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint32_t count = 1;
  std::int64_t seed = 0;
  std::int64_t created_unix_ms = 0;
  std::string extra;  // family-specific text kept for the poll answer (an echoed input, ...)
  Directives directives;

  // Maintained by the store.
  std::string id;
  std::chrono::steady_clock::time_point created;
  std::uint32_t polls = 0;                 // polls answered, this one included
  bool finished = false;                   // this or an earlier poll saw the final state
  std::vector<std::string> result_tokens;  // made by the family when the task finished
};

class TaskStore {
 public:
  using Clock = std::chrono::steady_clock;
  // Makes the result tokens of a task that has just finished.
  using MakeResults = std::function<std::vector<std::string>(const SimTask&)>;

  explicit TaskStore(std::chrono::seconds ttl = std::chrono::hours(1),
                     std::size_t max_tasks = 200'000)
      : tasks_(ttl, max_tasks) {}

  // Stores the task under a fresh id and returns that id.
  std::string submit(SimTask task, Clock::time_point now);

  // One poll of `family`'s task `id` (another family's id is unknown): counts the poll, finishes
  // the task when its time has come (calling `make_results` once) and returns a copy of it.
  // nullopt for an unknown or expired id.
  std::optional<SimTask> poll(std::string_view family, std::string_view id,
                              std::uint32_t pending_polls, Clock::time_point now,
                              const MakeResults& make_results);

  // Unfinished tasks of `family` submitted by `owner`. A task that is never polled stops counting
  // after `abandon_after` (real providers finish it anyway); a hanging one counts until it expires.
  std::uint32_t in_flight(std::string_view family, std::string_view owner, Clock::time_point now,
                          Clock::duration abandon_after = std::chrono::seconds(60));

  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  ExpiringMap<std::string, SimTask> tasks_;
  // family + '\n' + owner -> ids of its tasks that may still be in flight (pruned when counted).
  std::unordered_map<std::string, std::vector<std::string>> owned_;
};

}  // namespace imagegen::sim
