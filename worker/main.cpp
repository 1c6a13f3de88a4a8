// imagegen-worker: wiring only. One io_context runs the stream consumer, curl multi, storage
// completions and the metrics endpoint.
#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>

#include "common/catalog.h"
#include "common/catalog_path.h"
#include "common/logging.h"
#include "common/metrics_server.h"
#include "common/redis/redis_url.h"
#include "common/redis_watch.h"
#include "worker/availability.h"
#include "worker/consumer.h"
#include "worker/http_client.h"
#include "worker/job_runner.h"
#include "worker/lifecycle_services.h"
#include "worker/providers/registry.h"
#include "worker/storage.h"
#include "worker/worker_config.h"
#include "worker/worker_metrics.h"

namespace asio = boost::asio;
using namespace imagegen;

int main(int argc, char** argv) {
  auto loaded = worker::load_worker_config(argc, argv, imagegen::process_env());
  if (!loaded) {
    std::cerr << "imagegen-worker: " << loaded.error().message << "\n";
    return 2;
  }
  if (loaded->help) {
    std::cout << loaded->help_text;
    return 0;
  }
  const worker::WorkerConfig config = loaded->config;
  auto log_format = parse_log_format(config.log_format);
  if (!log_format) {
    std::cerr << "imagegen-worker: " << log_format.error().message << "\n";
    return 2;
  }
  if (auto ok = init_logging("worker", config.log_level, *log_format); !ok) {
    std::cerr << "imagegen-worker: " << ok.error().message << "\n";
    return 2;
  }
  // IMAGEGEN_CATALOG, else the install prefix / build tree: the binary starts from any directory.
  auto catalog_path = find_catalog_path(config.catalog_path);
  auto catalog =
      catalog_path ? Catalog::load_file(*catalog_path) : Result<Catalog>(catalog_path.error());
  if (!catalog) {
    std::cerr << "imagegen-worker: " << catalog.error().message << "\n";
    return 2;
  }
  try {
    asio::io_context ioc(1);
    worker::HttpClient http(ioc);
    const auto& provider_env = config.provider_env;
    auto registry = worker::ProviderRegistry::from_env(
        [&](std::string_view name) -> std::optional<std::string> {
          auto it = provider_env.find(name);
          if (it == provider_env.end()) return std::nullopt;
          return it->second;
        });
    auto storage = worker::make_storage(
        config.storage, http, {config.supabase_url, config.supabase_key, config.supabase_bucket});
    if (!storage) {
      std::cerr << "imagegen-worker: " << storage.error().message << "\n";
      return 2;
    }
    worker::WorkerMetrics metrics;
    metrics.slots_capacity(config.concurrency);
    worker::JobRunner runner(http, registry, **storage, metrics);
    worker::Consumer consumer(ioc, config, *catalog, runner, metrics);
    std::unique_ptr<MetricsServer> metrics_server;
    if (config.metrics_port != 0) {
      metrics_server =
          std::make_unique<MetricsServer>(ioc, config.metrics_host, config.metrics_port,
                                          [&metrics] { return metrics.serialize(); });
    }
    // What this worker can serve, said once at start and advertised to the api while it runs.
    const auto families = worker::served_families(registry);
    spdlog::info("provider_families serving={} missing={}", fmt::join(families.served, ","),
                 fmt::join(families.missing, ","));
    if (!families.missing.empty()) {
      spdlog::warn("provider_families_missing missing={} reason=\"no API key configured\"",
                   fmt::join(families.missing, ","));
    }
    auto redis_url = redis::parse_redis_url(config.redis_url);
    if (!redis_url) throw std::runtime_error(redis_url.error().message);
    redis::RedisConfig advert_rc;
    advert_rc.url = *redis_url;
    advert_rc.name = "worker-availability";
    auto advert_redis = redis::Connection::create(ioc, advert_rc);
    worker::Advertiser advertiser(ioc, *advert_redis, families.served, config.consumer_name,
                                  std::chrono::milliseconds(config.advertise_ttl_ms));
    advertiser.start();
    // Cancel listener, deadline sweeper, webhook sender (issue 11).
    worker::LifecycleServices lifecycle(ioc, config, *catalog, metrics);
    consumer.set_cancel_listener(&lifecycle.cancels());
    lifecycle.start();
    consumer.start();
    RedisWatch redis_watch(ioc, metrics.redis());
    for (const auto& [name, connection] : consumer.redis_connections()) {
      redis_watch.watch(name, connection);
    }
    redis_watch.watch("worker-availability", advert_redis.get());
    redis_watch.start();

    // SIGTERM: stop reading, let in-flight jobs finish within the drain timeout, then exit 0.
    // Jobs still running then stay pending in the stream for another worker to reclaim.
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    asio::steady_timer drain_deadline(ioc);
    asio::steady_timer backstop(ioc);
    bool stopped = false;
    // Drained (or out of time): release Redis and the metrics port so run() can return by itself.
    // Jobs still running hold their stream entries, which another worker reclaims.
    auto finish = [&] {
      if (stopped) return;
      stopped = true;
      drain_deadline.cancel();
      redis_watch.stop();  // before the connections it reads go
      if (metrics_server) metrics_server->stop();
      lifecycle.stop();
      consumer.shutdown();
      asio::co_spawn(ioc, advertiser.stop(), [&](std::exception_ptr) { advert_redis.reset(); });
      // curl's connection cache may keep a timer armed; do not wait on idle sockets for long.
      backstop.expires_after(std::chrono::seconds(2));
      backstop.async_wait([&](const boost::system::error_code& e) {
        if (!e) ioc.stop();
      });
    };
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      spdlog::info("signal {} received: draining {} jobs", sig, consumer.in_flight());
      consumer.stop(finish);
      drain_deadline.expires_after(std::chrono::milliseconds(config.drain_timeout_ms));
      drain_deadline.async_wait([&](const boost::system::error_code& e) {
        if (!e) {
          spdlog::warn("drain timeout: {} jobs left for reclaim", consumer.in_flight());
          finish();
        }
      });
    });
    spdlog::info("consumer_started consumer={} concurrency={} storage={}", config.consumer_name,
                 config.concurrency, config.storage);
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "imagegen-worker: " << e.what() << "\n";
    return 1;
  }
  spdlog::info("stopped");
  return 0;
}
