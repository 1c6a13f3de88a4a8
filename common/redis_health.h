#pragma once
// The Redis health metrics every binary exports, in one place:
//   imagegen_redis_errors_total{op}   calls that failed or timed out, by operation
//   imagegen_redis_reconnects_total   connections re-established after the first connect
//   imagegen_redis_connected          1 while every sampled connection is up, else 0
// Connections are sampled (their stats are read on their own io_context) by a RedisWatch
// (common/redis_watch.h). RedisHealth itself is thread-safe: every thread of a process reports
// into the same one.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/redis/connection_stats.h"

namespace imagegen {

class RedisHealth {
 public:
  // `known_ops`: the operations whose error series start at 0, so a dashboard sees them (and
  // increase() counts their first error) before anything failed.
  RedisHealth(prometheus::Registry& registry, std::initializer_list<std::string_view> known_ops);

  void error(std::string_view op);
  // The latest stats of the connection called `name` (unique in the process). Reconnects are
  // counted from the growth of stats.connects, so sampling is idempotent.
  void sample(const std::string& name, const redis::ConnectionStats& stats, bool connected);

 private:
  struct Seen {
    std::uint64_t connects = 0;
    bool up = true;
  };
  prometheus::Family<prometheus::Counter>* errors_;
  prometheus::Counter* reconnects_;
  prometheus::Gauge* connected_;
  std::mutex mu_;
  std::map<std::string, Seen, std::less<>> seen_;
};

// True unless the connection tried and is not up: a lazy connection nobody used yet is not down.
bool looks_connected(const redis::ConnectionStats& stats, bool is_connected);

}  // namespace imagegen
