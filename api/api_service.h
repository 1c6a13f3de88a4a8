#pragma once
// The api's per-thread service: owns this thread's ApiContext (Redis connections, reply channel,
// waiters) and dispatches each request to its route handler (api/routes/).
// Owned by one io_context; no locking.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "api/api_config.h"
#include "api/api_context.h"
#include "api/api_metrics.h"
#include "api/api_types.h"
#include "api/router.h"
#include "common/catalog.h"
#include "common/redis_watch.h"

namespace imagegen::api {

class ApiService {
 public:
  ApiService(boost::asio::io_context& ioc, const ApiConfig& config, const Catalog& catalog,
             ApiMetrics& metrics, int thread_index);

  // Connects to Redis and subscribes to this thread's reply channel (in the background).
  void start();
  // Answers one request. Never throws for bad input or Redis trouble: those become 4xx/5xx.
  // Not a coroutine itself: it hands the request to the route's coroutine, so a generation that
  // waits for seconds holds one frame less (~2.6 KB, a fifth of what a waiting request costs the
  // api; docs/bench.md, eighth round).
  boost::asio::awaitable<ApiResponse> handle(ApiRequest request, RouteMatch route);

  std::size_t waiting() const { return ctx_.waiters.size(); }
  // Closes the Redis connections; call once no request is being handled on this thread.
  void shutdown();

 private:
  boost::asio::awaitable<ApiResponse> readyz();
  // Every route but generate: short-lived requests, one frame here is fine.
  boost::asio::awaitable<ApiResponse> handle_other(ApiRequest request, RouteMatch route);
  boost::asio::awaitable<void> recheck_pending();
  // Keeps ctx_.served fresh (api/served_family_cache.h) until shutdown().
  boost::asio::awaitable<void> poll_served_families();

  ApiContext ctx_;
  boost::asio::steady_timer served_timer_;
  bool stopping_ = false;
  std::unique_ptr<RedisWatch> redis_watch_;  // Redis health metrics of this thread's connection
};

}  // namespace imagegen::api
