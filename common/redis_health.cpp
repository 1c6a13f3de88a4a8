#include "common/redis_health.h"

#include <algorithm>

namespace imagegen {

RedisHealth::RedisHealth(prometheus::Registry& registry,
                         std::initializer_list<std::string_view> known_ops)
    : errors_(&prometheus::BuildCounter()
                   .Name("imagegen_redis_errors_total")
                   .Help("Redis calls that failed or timed out, by operation")
                   .Register(registry)),
      reconnects_(&prometheus::BuildCounter()
                       .Name("imagegen_redis_reconnects_total")
                       .Help("Times a Redis connection of this process was re-established")
                       .Register(registry)
                       .Add({})),
      connected_(&prometheus::BuildGauge()
                      .Name("imagegen_redis_connected")
                      .Help("1 while every Redis connection of this process is up, else 0")
                      .Register(registry)
                      .Add({})) {
  connected_->Set(1);  // nothing sampled yet: nothing known to be down
  for (auto op : known_ops) errors_->Add({{"op", std::string(op)}});
}

void RedisHealth::error(std::string_view op) {
  errors_->Add({{"op", std::string(op)}}).Increment();
}

bool looks_connected(const redis::ConnectionStats& stats, bool is_connected) {
  return is_connected || (stats.connects == 0 && stats.connect_failures == 0);
}

void RedisHealth::sample(const std::string& name, const redis::ConnectionStats& stats,
                         bool connected) {
  std::lock_guard lock(mu_);
  auto [it, fresh] = seen_.try_emplace(name);
  Seen& seen = it->second;
  // The first connect is not a reconnect; a connection object replaced under the same name
  // (fewer connects than before) starts counting again from its own first connect.
  const std::uint64_t base = fresh || stats.connects < seen.connects
                                 ? std::min<std::uint64_t>(stats.connects, 1)
                                 : seen.connects;
  if (stats.connects > base) reconnects_->Increment(static_cast<double>(stats.connects - base));
  seen.connects = stats.connects;
  seen.up = connected;
  bool all_up = true;
  for (const auto& [n, s] : seen_) all_up = all_up && s.up;
  connected_->Set(all_up ? 1 : 0);
}

}  // namespace imagegen
