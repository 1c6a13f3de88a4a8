#pragma once
// What every route handler of one api thread shares: configuration, catalog, metrics, this
// thread's Redis connections, reply channel and waiters, and the scripts. Owned by ApiService on
// one io_context; handlers take it by reference. No locking: one thread.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "api/api_config.h"
#include "api/api_metrics.h"
#include "api/job_waiters.h"
#include "api/served_family_cache.h"
#include "common/catalog.h"
#include "common/lua_scripts.h"
#include "common/redis/connection.h"
#include "common/redis/script.h"
#include "common/redis/subscriber.h"

namespace imagegen::api {

struct ApiContext {
  ApiContext(boost::asio::io_context& io, const ApiConfig& cfg, const Catalog& cat, ApiMetrics& m,
             std::string reply_channel_name)
      : ioc(io),
        config(cfg),
        catalog(cat),
        metrics(m),
        reply_channel(std::move(reply_channel_name)),
        admit(lua::with_prelude(lua::kAdmit)),
        settle(lua::with_prelude(lua::kSettle)),
        waiters(io) {}

  std::chrono::milliseconds redis_timeout() const {
    return std::chrono::milliseconds(config.redis_timeout_ms);
  }

  boost::asio::io_context& ioc;
  const ApiConfig& config;
  const Catalog& catalog;
  ApiMetrics& metrics;
  std::string reply_channel;  // the part after keys::kDonePrefix
  std::unique_ptr<redis::Connection> redis;
  std::unique_ptr<redis::Subscriber> subscriber;
  redis::Script admit;
  redis::Script settle;
  JobWaiters waiters;
  ServedFamilyCache served;  // filled by ApiService's availability poll
};

}  // namespace imagegen::api
