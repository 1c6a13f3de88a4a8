// imagegen-worker: wiring only. One io_context runs the stream consumer, curl multi, storage
// completions and the metrics endpoint.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>

#include "common/catalog.h"
#include "common/logging.h"
#include "common/metrics_server.h"
#include "worker/consumer.h"
#include "worker/http_client.h"
#include "worker/job_runner.h"
#include "worker/providers/registry.h"
#include "worker/storage.h"
#include "worker/worker_config.h"
#include "worker/worker_metrics.h"

namespace asio = boost::asio;
using namespace imagegen;

int main(int argc, char** argv) {
  auto loaded = worker::load_worker_config(argc, argv, imagegen::process_env);
  if (!loaded) {
    std::cerr << "imagegen-worker: " << loaded.error().message << "\n";
    return 2;
  }
  if (loaded->help) {
    std::cout << loaded->help_text;
    return 0;
  }
  const worker::WorkerConfig config = loaded->config;
  if (auto ok = init_logging("worker", config.log_level); !ok) {
    std::cerr << "imagegen-worker: " << ok.error().message << "\n";
    return 2;
  }
  auto catalog = Catalog::load_file(config.catalog_path);
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
    worker::JobRunner runner(http, registry, **storage, metrics);
    worker::Consumer consumer(ioc, config, *catalog, runner, metrics);
    std::unique_ptr<MetricsServer> metrics_server;
    if (config.metrics_port != 0) {
      metrics_server =
          std::make_unique<MetricsServer>(ioc, config.metrics_host, config.metrics_port,
                                          [&metrics] { return metrics.serialize(); });
    }
    consumer.start();

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
      if (metrics_server) metrics_server->stop();
      consumer.shutdown();
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
    spdlog::info("consumer {} started, concurrency {}, storage {}", config.consumer_name,
                 config.concurrency, config.storage);
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "imagegen-worker: " << e.what() << "\n";
    return 1;
  }
  spdlog::info("stopped");
  return 0;
}
