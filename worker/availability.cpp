#include "worker/availability.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/clock.h"
#include "common/lifecycle/spawn.h"
#include "common/redis_keys.h"

namespace imagegen::worker {

namespace asio = boost::asio;

ServedFamilies served_families(const ProviderRegistry& registry) {
  ServedFamilies out;
  for (const auto& name : registry.families()) {
    const ProviderEntry* e = registry.find(name);
    (e && !e->endpoint.api_key.empty() ? out.served : out.missing).push_back(name);
  }
  return out;
}

std::vector<std::vector<std::string>> advertisement_commands(
    const std::vector<std::string>& families, const std::string& worker, std::int64_t now_ms,
    std::int64_t ttl_ms) {
  std::vector<std::vector<std::string>> cmds;
  for (const auto& f : families) {
    cmds.push_back({"ZADD", keys::serves(f), std::to_string(now_ms + ttl_ms), worker});
    // Entries expired for ten TTLs are dead workers': remove them (the score test in the
    // admission script already ignores them).
    cmds.push_back(
        {"ZREMRANGEBYSCORE", keys::serves(f), "-inf", "(" + std::to_string(now_ms - 10 * ttl_ms)});
  }
  return cmds;
}

Advertiser::Advertiser(asio::io_context& ioc, redis::Connection& redis,
                       std::vector<std::string> families, std::string worker_name,
                       std::chrono::milliseconds ttl)
    : ioc_(ioc),
      redis_(redis),
      families_(std::move(families)),
      worker_(std::move(worker_name)),
      ttl_(ttl) {}

void Advertiser::start() { lifecycle::spawn(ioc_, loop(), "availability advertisement"); }

asio::awaitable<bool> Advertiser::advertise() {
  bool ok = true;
  for (auto& cmd : advertisement_commands(families_, worker_, now_ms(), ttl_.count())) {
    auto r = co_await redis_.command(std::move(cmd), std::chrono::milliseconds(1000));
    ok = ok && r && !r->is_error();
  }
  co_return ok;
}

asio::awaitable<void> Advertiser::loop() {
  asio::steady_timer timer(ioc_);
  while (!stopping_) {
    const bool ok = co_await advertise();
    // Renew three times per TTL; after a failure, sooner (Redis may be back).
    timer.expires_after(ok ? ttl_ / 3 : std::min(ttl_ / 3, std::chrono::milliseconds(500)));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> Advertiser::stop() {
  stopping_ = true;
  for (const auto& f : families_) {
    std::vector<std::string> cmd = {"ZREM", keys::serves(f), worker_};
    auto r = co_await redis_.command(std::move(cmd), std::chrono::milliseconds(500));
    (void)r;  // best effort: the TTL withdraws it anyway
  }
  // The apis cache "served" for a second or two: tell them to look again now.
  std::vector<std::string> publish = {"PUBLISH", std::string(keys::kServesChanged), worker_};
  auto r = co_await redis_.command(std::move(publish), std::chrono::milliseconds(500));
  (void)r;
}

}  // namespace imagegen::worker
