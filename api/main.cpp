// imagegen-api: wiring only. One io_context per thread, each with its own listener (SO_REUSEPORT),
// Redis connections and reply channel; one shared metrics registry.
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "api/api_config.h"
#include "api/api_metrics.h"
#include "api/api_service.h"
#include "api/http_server.h"
#include "api/queue_stats.h"
#include "common/allocator/allocator.h"
#include "common/catalog.h"
#include "common/catalog_path.h"
#include "common/lifecycle/spawn.h"
#include "common/logging.h"
#include "common/metrics_server.h"
#include "common/redis/redis_url.h"
#include "common/thread_name.h"

namespace asio = boost::asio;
using namespace imagegen;

namespace {
struct Shard {
  asio::io_context ioc{1};
  std::unique_ptr<api::ApiService> service;
  std::unique_ptr<api::HttpServer> server;
  std::unique_ptr<lifecycle::LoopLagProbe> lag_probe;
};
}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists: libcurl's global state (the files route signs Supabase URLs).
  curl_global_init(CURL_GLOBAL_DEFAULT);
  auto loaded = api::load_api_config(argc, argv, process_env);
  if (!loaded) {
    std::cerr << "imagegen-api: " << loaded.error().message << "\n";
    return 2;
  }
  if (loaded->help) {
    std::cout << loaded->help_text;
    return 0;
  }
  const api::ApiConfig config = loaded->config;
  auto log_format = parse_log_format(config.log_format);
  if (!log_format) {
    std::cerr << "imagegen-api: " << log_format.error().message << "\n";
    return 2;
  }
  if (auto ok = init_logging("api", config.log_level, *log_format); !ok) {
    std::cerr << "imagegen-api: " << ok.error().message << "\n";
    return 2;
  }
  // IMAGEGEN_CATALOG, else the install prefix / build tree: the binary starts from any directory.
  auto catalog_path = find_catalog_path(config.catalog_path);
  auto catalog =
      catalog_path ? Catalog::load_file(*catalog_path) : Result<Catalog>(catalog_path.error());
  if (!catalog) {
    std::cerr << "imagegen-api: " << catalog.error().message << "\n";
    return 2;
  }

  try {
    api::ApiMetrics metrics;
    std::atomic<std::int64_t> open_connections{0};
    std::vector<std::unique_ptr<Shard>> shards;
    for (int i = 0; i < config.threads; ++i) {
      auto s = std::make_unique<Shard>();
      s->service = std::make_unique<api::ApiService>(s->ioc, config, *catalog, metrics, i);
      s->server =
          std::make_unique<api::HttpServer>(s->ioc, config, *s->service, metrics, open_connections);
      s->service->start();
      s->server->start();
      s->lag_probe = metrics.loop_lag().probe(s->ioc);
      s->lag_probe->start();
      shards.push_back(std::move(s));
    }
    // Queue gauges come from Redis, read by one thread of this process on its own connection.
    auto redis_url = redis::parse_redis_url(config.redis_url);
    if (!redis_url) throw std::runtime_error(redis_url.error().message);
    redis::RedisConfig stats_rc;
    stats_rc.url = *redis_url;
    stats_rc.name = "api-queue-stats";
    auto stats_redis = redis::Connection::create(shards[0]->ioc, stats_rc);
    bool stats_stopping = false;
    lifecycle::spawn(
        shards[0]->ioc,
        api::poll_queue_stats(*stats_redis, metrics, std::chrono::seconds(2), stats_stopping),
        "queue statistics poller");
    std::unique_ptr<MetricsServer> metrics_server;
    if (config.metrics_port != 0) {
      metrics_server =
          std::make_unique<MetricsServer>(shards[0]->ioc, config.host, config.metrics_port,
                                          [&metrics] { return metrics.serialize(); });
    }

    // SIGTERM/SIGINT: every thread stops accepting, closes idle connections, answers the requests
    // it has (their waits are bounded by IMAGEGEN_WAIT_TIMEOUT_MS), then releases its Redis
    // connections; each io_context then runs out of work and run() returns. A backstop timer
    // stops a thread that has not drained well past the wait bound (a bug, logged).
    asio::signal_set signals(shards[0]->ioc, SIGINT, SIGTERM);
    asio::steady_timer backstop(shards[0]->ioc);
    std::atomic<std::size_t> drained{0};
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      spdlog::info("signal {} received: draining", sig);
      if (metrics_server) metrics_server->stop();
      stats_stopping = true;
      stats_redis.reset();  // ends the poller's pending command and its timer's next round
      backstop.expires_after(std::chrono::milliseconds(config.wait_timeout_ms + 5000));
      backstop.async_wait([&](const boost::system::error_code& e) {
        if (e) return;
        spdlog::error("drain did not finish in time; stopping");
        for (auto& s : shards) s->ioc.stop();
      });
      for (auto& s : shards) {
        asio::post(s->ioc, [&, shard = s.get()] {
          shard->lag_probe->stop();
          shard->server->stop([&, shard] {
            shard->service->shutdown();
            if (++drained == shards.size()) asio::post(shards[0]->ioc, [&] { backstop.cancel(); });
          });
        });
      }
    });

    spdlog::info("listening on {}:{} with {} threads (metrics port {}, {})", config.host,
                 config.port, config.threads, config.metrics_port, allocator_name());
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < shards.size(); ++i) {
      threads.emplace_back([&s = *shards[i], i] {
        // The main thread (io thread 0) keeps the process's name, which pgrep and ps match.
        set_thread_name("api-io-" + std::to_string(i));
        s.ioc.run();
      });
    }
    shards[0]->ioc.run();
    for (auto& t : threads) t.join();
  } catch (const std::exception& e) {
    std::cerr << "imagegen-api: " << e.what() << "\n";
    return 1;
  }
  spdlog::info("stopped");
  return 0;
}
