#include "common/redis_watch.h"

#include "common/redis/connection.h"

namespace imagegen {

RedisWatch::RedisWatch(boost::asio::io_context& ioc, RedisHealth& health)
    : timer_(ioc), health_(health) {}

void RedisWatch::watch(std::string name, const redis::Connection* connection) {
  connections_.emplace_back(std::move(name), connection);
}

void RedisWatch::start(std::chrono::milliseconds every) {
  every_ = every;
  tick();
}

void RedisWatch::stop() {
  stopped_ = true;
  timer_.cancel();
}

void RedisWatch::tick() {
  if (stopped_) return;
  for (const auto& [name, c] : connections_) {
    const auto stats = c->stats();
    health_.sample(name, stats, looks_connected(stats, c->is_connected()));
  }
  timer_.expires_after(every_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

}  // namespace imagegen
