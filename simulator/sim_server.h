#pragma once
// The simulator's HTTP/1.1 server (Boost.Beast on C++20 coroutines). The only file of the
// simulator that includes Beast: everything protocol-specific sits behind Router.
//
// One io_context per thread, each owning its connections, so loops share nothing but the Router
// (which is thread-safe); one acceptor on the first loop deals connections out in turn. One
// coroutine per connection with keep-alive; delays are timers and `hang` is a pending read, so
// neither holds a thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "simulator/router.h"

namespace imagegen::sim {

struct ServerConfig {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port; see SimServer::port()
  unsigned threads = 1;
  bool stop_on_signals = true;  // SIGINT / SIGTERM call stop()
};

class SimServer {
 public:
  // Binds and listens at once; throws boost::system::system_error (a std::runtime_error) when the
  // address cannot be used.
  SimServer(const ServerConfig& config, Router& router);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  std::uint16_t port() const;

  // Answers parked on their delay timer right now (`[sim:delay]` and --latency-ms), over all
  // loops. Thread-safe; for tests and diagnostics.
  std::size_t delayed_now() const;

  // Serves until stop() (or a signal): then stops accepting, closes every connection (hung and
  // delayed ones too) and returns once all of them have ended. Call once.
  void run();

  // Thread-safe and idempotent; may be called before run().
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imagegen::sim
