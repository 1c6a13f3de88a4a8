#pragma once
// Settings of one Redis connection (a Connection or a Subscriber). Plain data with the defaults
// we run with; the binaries fill `url` from IMAGEGEN_REDIS_URL.
#include <chrono>
#include <string>

#include "common/redis/redis_url.h"

namespace imagegen::redis {

struct RedisConfig {
  RedisUrl url;  // default: 127.0.0.1:6379, db 0, no password
  // Shown in logs, to tell the api's command connection from its subscriber and so on.
  std::string name = "redis";
  // TCP connect plus the AUTH/SELECT/PING handshake. Past it the attempt counts as failed.
  std::chrono::milliseconds connect_timeout{1000};
  // Pause before reconnect attempt n (n >= 1): min(max, initial * 2^(n-1)), with jitter.
  std::chrono::milliseconds reconnect_initial{50};
  std::chrono::milliseconds reconnect_max{2000};
  // When a command misses its deadline and no reply at all came meanwhile, the connection is
  // closed and reopened: replies come back in order, so everything behind a stuck reply is
  // stuck too, and closing makes Redis abandon a blocking command (BLPOP, XREADGROUP BLOCK)
  // whose late reply we would drop. A connection that is answering is only slow: kept.
  bool reconnect_on_timeout = true;
};

}  // namespace imagegen::redis
