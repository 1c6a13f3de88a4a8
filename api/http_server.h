#pragma once
// The api's HTTP/1.1 listener for one thread: one coroutine per connection, keep-alive, bounded
// header/body sizes, header-read and idle timeouts, a per-process connection cap.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "api/api_config.h"
#include "api/api_metrics.h"
#include "api/api_service.h"

namespace imagegen::api {

class HttpServer {
 public:
  // Binds host:port with SO_REUSEPORT so every thread has its own acceptor and the kernel
  // spreads connections. Throws on bind failure (a start-up error).
  HttpServer(boost::asio::io_context& ioc, const ApiConfig& config, ApiService& service,
             ApiMetrics& metrics, std::atomic<std::int64_t>& open_connections);
  void start();
  // Graceful stop: no new connections, idle keep-alive connections closed, busy ones closed after
  // their current response. `on_drained` runs (on this io_context) once no connection is left.
  void stop(std::function<void()> on_drained);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace imagegen::api
