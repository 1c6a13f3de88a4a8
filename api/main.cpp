// imagegen-api: wiring only. One io_context per thread, each with its own listener (SO_REUSEPORT),
// Redis connections and reply channel; one shared metrics registry.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "api/api_config.h"
#include "api/api_metrics.h"
#include "api/api_service.h"
#include "api/http_server.h"
#include "common/catalog.h"
#include "common/logging.h"
#include "common/metrics_server.h"

namespace asio = boost::asio;
using namespace imagegen;

namespace {
struct Shard {
  asio::io_context ioc{1};
  std::unique_ptr<api::ApiService> service;
  std::unique_ptr<api::HttpServer> server;
};
}  // namespace

int main(int argc, char** argv) {
  auto loaded = api::load_api_config(argc, argv, process_env());
  if (!loaded) {
    std::cerr << "imagegen-api: " << loaded.error().message << "\n";
    return 2;
  }
  if (loaded->help) {
    std::cout << loaded->help_text;
    return 0;
  }
  const api::ApiConfig config = loaded->config;
  if (auto ok = init_logging("api", config.log_level); !ok) {
    std::cerr << "imagegen-api: " << ok.error().message << "\n";
    return 2;
  }
  auto catalog = Catalog::load_file(config.catalog_path);
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
      s->server = std::make_unique<api::HttpServer>(s->ioc, config, *s->service, metrics, open_connections);
      s->service->start();
      s->server->start();
      shards.push_back(std::move(s));
    }
    std::unique_ptr<MetricsServer> metrics_server;
    if (config.metrics_port != 0) {
      metrics_server = std::make_unique<MetricsServer>(shards[0]->ioc, config.host, config.metrics_port,
                                                       [&metrics] { return metrics.serialize(); });
    }

    // SIGTERM/SIGINT: stop accepting everywhere, let waiting requests finish (bounded by their own
    // wait timeout), then stop.
    asio::signal_set signals(shards[0]->ioc, SIGINT, SIGTERM);
    asio::steady_timer drain_timer(shards[0]->ioc);
    std::function<void()> poll_drained;
    auto stop_all = [&] {
      for (auto& s : shards) s->ioc.stop();
    };
    std::size_t drain_polls = 0;
    poll_drained = [&] {
      std::size_t waiting = 0;
      for (auto& s : shards) waiting += s->service->waiting();  // approximate across threads: read-only
      if (waiting == 0 || ++drain_polls > static_cast<std::size_t>(config.wait_timeout_ms / 50 + 20)) {
        stop_all();
        return;
      }
      drain_timer.expires_after(std::chrono::milliseconds(50));
      drain_timer.async_wait([&](auto) { poll_drained(); });
    };
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      spdlog::info("signal {} received: draining", sig);
      if (metrics_server) metrics_server->stop();
      for (auto& s : shards) asio::post(s->ioc, [&server = *s->server] { server.stop_accepting(); });
      poll_drained();
    });

    spdlog::info("listening on {}:{} with {} threads (metrics port {})", config.host, config.port, config.threads,
                 config.metrics_port);
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < shards.size(); ++i) {
      threads.emplace_back([&s = *shards[i]] { s.ioc.run(); });
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
