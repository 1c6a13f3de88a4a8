#pragma once
// Redis pub/sub on a connection of its own (a subscribed connection accepts nothing else).
// Subscriptions are remembered and renewed after every reconnect; since messages published
// while the connection was down are lost, on_resubscribed tells the owner when to catch up
// (the api re-reads the jobs it is waiting for).
//
// Owned by one io_context like Connection: create, use and destroy it on that io_context's
// thread, before the io_context. Not thread-safe.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/redis/connection_stats.h"
#include "common/redis/redis_config.h"
#include "common/result.h"

namespace imagegen::redis {

class Subscriber {
 public:
  // Called on the io_context for every message, in the order Redis delivered them. The views
  // are valid only during the call.
  using MessageHandler = std::function<void(std::string_view channel, std::string_view message)>;

  // Connects on the first subscribe().
  static std::unique_ptr<Subscriber> create(boost::asio::io_context& io, RedisConfig config,
                                            MessageHandler handler);

  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;
  // Closes the connection; messages already queued for the handler are dropped.
  ~Subscriber();

  // Subscribes to `channel` now if connected, and again after every reconnect. Idempotent.
  void subscribe(std::string channel);

  // Called on the io_context each time every channel is subscribed again after a reconnect
  // (not after the first connect).
  void set_on_resubscribed(std::function<void()> callback);

  // True when connected and Redis has confirmed every channel.
  bool is_subscribed() const;

  // Waits until is_subscribed(). Fails with kTimeout after `timeout`, or kUnavailable if the
  // Subscriber is destroyed meanwhile. Cancelled only by its deadline.
  boost::asio::awaitable<Result<Ok>> wait_subscribed(std::chrono::milliseconds timeout);

  ConnectionStats stats() const;

 private:
  struct Impl;
  explicit Subscriber(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace imagegen::redis
