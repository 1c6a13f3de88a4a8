#include "admin/queue_status.h"

#include <cstdio>

#include "admin/iso_time.h"
#include "common/json_writer.h"

namespace imagegen::admin {

double entry_age_s(const std::string& stream_id, std::int64_t now_ms) {
  auto ms = stream_id_ms(stream_id);
  if (!ms || *ms > now_ms) return 0;
  return static_cast<double>(now_ms - *ms) / 1000.0;
}

namespace {
std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}
}  // namespace

std::string render_queue_text(const QueueStatus& q) {
  std::string out;
  out += "depth " + std::to_string(q.depth) + " (admitted, not finished)\n";
  out += "stream length " + std::to_string(q.stream_length) + "\n";
  out += "lag " + std::to_string(q.lag) + " (not read by any worker)\n";
  out += "pending " + std::to_string(q.pending) + " (read, not acknowledged)\n";
  out += "oldest waiting " + seconds(q.oldest_waiting_age_s) + " s\n";
  out += "oldest pending " + seconds(q.oldest_pending_age_s) + " s\n";
  out += "dead letters " + std::to_string(q.dead_letters) + "\n";
  if (!q.group_exists) out += "consumer group not created yet (no worker has started)\n";
  out += "consumers " + std::to_string(q.consumers.size()) + "\n";
  for (const auto& c : q.consumers) {
    out += "  " + c.name + " pending " + std::to_string(c.pending) + " idle " +
           seconds(static_cast<double>(c.idle_ms) / 1000.0) + " s\n";
  }
  return out;
}

std::string render_queue_json(const QueueStatus& q) {
  JsonWriter w;
  w.begin_object()
      .field("depth", q.depth)
      .field("streamLength", q.stream_length)
      .field("lag", q.lag)
      .field("pending", q.pending)
      .key("oldestWaitingAgeSeconds")
      .raw(seconds(q.oldest_waiting_age_s))
      .key("oldestPendingAgeSeconds")
      .raw(seconds(q.oldest_pending_age_s))
      .field("deadLetters", q.dead_letters)
      .field("groupExists", q.group_exists);
  w.key("consumers").begin_array();
  for (const auto& c : q.consumers) {
    w.begin_object()
        .field("name", c.name)
        .field("pending", c.pending)
        .field("idleMs", c.idle_ms)
        .end_object();
  }
  w.end_array().end_object();
  return w.take() + "\n";
}

}  // namespace imagegen::admin
