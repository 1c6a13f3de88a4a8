#pragma once
// Tells the api which provider families this worker can serve: for each family it holds a key
// for, the worker's name in the sorted set keys::serves(family) scored by when the
// advertisement expires. The api's admission script refuses a model whose family no live
// worker serves (503 MODEL_UNAVAILABLE) before any credit moves, instead of holding credits
// for a job that would fail with 401 upstream. A worker that dies stops renewing; its entry
// stops counting after the TTL.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "common/redis/connection.h"
#include "worker/providers/registry.h"

namespace imagegen::worker {

struct ServedFamilies {
  std::vector<std::string> served;   // a key is configured
  std::vector<std::string> missing;  // no key: not advertised
};
ServedFamilies served_families(const ProviderRegistry& registry);

// One round of advertisement commands (pure, for tests): ZADD each served family, and drop
// entries that expired long ago so the sets stay small.
std::vector<std::vector<std::string>> advertisement_commands(
    const std::vector<std::string>& families, const std::string& worker, std::int64_t now_ms,
    std::int64_t ttl_ms);

class Advertiser {
 public:
  Advertiser(boost::asio::io_context& ioc, redis::Connection& redis,
             std::vector<std::string> families, std::string worker_name,
             std::chrono::milliseconds ttl);
  // Advertises now and every ttl/3 until stop().
  void start();
  // Stops renewing and withdraws the advertisement (best effort, bounded).
  boost::asio::awaitable<void> stop();

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<bool> advertise();

  boost::asio::io_context& ioc_;
  redis::Connection& redis_;
  std::vector<std::string> families_;
  std::string worker_;
  std::chrono::milliseconds ttl_;
  bool stopping_ = false;
};

}  // namespace imagegen::worker
