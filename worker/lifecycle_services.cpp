#include "worker/lifecycle_services.h"

#include <stdexcept>

#include "common/redis/redis_url.h"

namespace imagegen::worker {

namespace {
redis::RedisConfig redis_config(const WorkerConfig& c, const char* name) {
  auto url = redis::parse_redis_url(c.redis_url);
  if (!url) throw std::runtime_error(url.error().message);
  redis::RedisConfig rc;
  rc.url = *url;
  rc.name = name;
  return rc;
}

SweeperOptions sweeper_options(const WorkerConfig& c) {
  SweeperOptions o;
  o.grace = std::chrono::milliseconds(c.deadline_grace_ms);
  o.redis_timeout = std::chrono::milliseconds(c.redis_timeout_ms);
  return o;
}

webhooks::SenderOptions sender_options(const WorkerConfig& c) {
  webhooks::SenderOptions o;
  o.retry.base = std::chrono::milliseconds(c.webhook_retry_base_ms);
  o.allow_private = c.webhook_allow_private;
  o.redis_timeout = std::chrono::milliseconds(c.redis_timeout_ms);
  return o;
}
}  // namespace

LifecycleServices::LifecycleServices(boost::asio::io_context& ioc, const WorkerConfig& config,
                                     const Catalog& catalog, WorkerMetrics& metrics)
    : cancels_(ioc, redis_config(config, "worker-cancel")),
      sweeper_(ioc, redis_config(config, "worker-deadlines"), metrics, sweeper_options(config)),
      sender_(ioc, redis_config(config, "worker-webhooks"), catalog, metrics,
              sender_options(config)) {}

void LifecycleServices::start() {
  cancels_.start();
  sweeper_.start();
  sender_.start();
}

void LifecycleServices::stop() {
  sweeper_.stop();
  sender_.stop();
}

}  // namespace imagegen::worker
