#pragma once
// The queue as Redis sees it, for the api's metrics: stream length, consumer-group lag and
// pending count, age of the oldest job no worker has taken, dead letters, jobs in flight and
// credits granted. Read from Redis every few seconds by one thread per api process, so every
// instance reports the same numbers whatever traffic it served.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/api_metrics.h"
#include "common/redis/connection.h"
#include "common/redis/reply.h"

namespace imagegen::api {

// The commands of one poll, in the order read_queue_stats expects their replies.
std::vector<std::vector<std::string>> queue_stats_commands();

struct QueueRead {
  QueueStats stats;
  std::string last_delivered_id;  // of the workers' group; the oldest waiting entry follows it
};
// Interprets the replies (pure). Missing or damaged parts read as 0.
QueueRead read_queue_stats(const std::vector<redis::Reply>& replies);

// Age in seconds of the entry `xrange_reply` (XRANGE ... COUNT 1) holds: a stream id starts
// with the unix ms it was added at. 0 when there is none.
double oldest_age_s(const redis::Reply& xrange_reply, std::int64_t now_ms);

// Polls every `every` until `stopping` is set (then `redis` may be destroyed: it is not touched
// again); runs on one io_context.
boost::asio::awaitable<void> poll_queue_stats(redis::Connection& redis, ApiMetrics& metrics,
                                              std::chrono::milliseconds every,
                                              const bool& stopping);

}  // namespace imagegen::api
