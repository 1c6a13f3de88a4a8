#pragma once
// What `imagegen-admin queue` reports about the job stream, and how it prints. Pure: the command
// (queue_command.cpp) reads the numbers from Redis.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imagegen::admin {

struct QueueConsumer {
  std::string name;
  std::int64_t pending = 0;  // delivered to it, not yet acknowledged
  std::int64_t idle_ms = 0;  // since its last read or claim
};

struct QueueStatus {
  std::int64_t depth = 0;          // admitted, not finished (size of imagegen:deadlines)
  std::int64_t stream_length = 0;  // entries in imagegen:jobs
  std::int64_t lag = 0;            // entries no worker has read yet
  std::int64_t pending = 0;        // read by a worker, not acknowledged
  // Age of the oldest entry no worker has read yet, and of the oldest one being worked on;
  // 0 when there is none.
  double oldest_waiting_age_s = 0;
  double oldest_pending_age_s = 0;
  std::int64_t dead_letters = 0;  // entries in imagegen:dlq
  bool group_exists = false;      // false until the first worker creates the group
  std::vector<QueueConsumer> consumers;
};

// Age in seconds of a stream entry id ("1714564800000-0") at `now_ms`; 0 for an unusable id
// or a clock behind the id.
double entry_age_s(const std::string& stream_id, std::int64_t now_ms);

std::string render_queue_text(const QueueStatus& q);
std::string render_queue_json(const QueueStatus& q);

}  // namespace imagegen::admin
