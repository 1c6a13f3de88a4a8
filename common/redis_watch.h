#pragma once
// Samples the stats of some Redis connections of one io_context into RedisHealth every few
// seconds (apart from redis_health.h so that only binaries holding connections link Redis).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/redis_health.h"

namespace imagegen {

namespace redis {
class Connection;
}

// Samples some connections of one io_context into a RedisHealth every `every`. Create, start and
// stop it on that io_context's thread; stop() before the connections are destroyed.
class RedisWatch {
 public:
  RedisWatch(boost::asio::io_context& ioc, RedisHealth& health);
  void watch(std::string name, const redis::Connection* connection);
  void start(std::chrono::milliseconds every = std::chrono::seconds(2));
  void stop();  // cancels the timer: the io_context can run out of work

 private:
  void tick();
  boost::asio::steady_timer timer_;
  RedisHealth& health_;
  std::vector<std::pair<std::string, const redis::Connection*>> connections_;
  std::chrono::milliseconds every_{2000};
  bool stopped_ = false;
};

}  // namespace imagegen
