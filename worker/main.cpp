// imagegen-worker: wiring only. IMAGEGEN_WORKER_THREADS threads, each running one io_context
// with its own curl multi (HttpClient), Redis connections (Consumer) and share of the slots;
// nothing on the hot path is shared between them except the metrics registry (thread-safe) and
// local storage's group commit (one sync pass for every thread's images). Thread 0 (the main
// thread) also serves /metrics, advertises availability and handles SIGTERM.
#include <spdlog/fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <thread>

#include "common/allocator/allocator.h"
#include "common/catalog.h"
#include "common/catalog_path.h"
#include "common/logging.h"
#include "common/metrics_server.h"
#include "common/redis/redis_url.h"
#include "common/redis_watch.h"
#include "common/thread_name.h"
#include "worker/availability.h"
#include "worker/consumer.h"
#include "worker/http_client.h"
#include "worker/job_runner.h"
#include "worker/lifecycle_services.h"
#include "worker/local_storage.h"
#include "worker/providers/registry.h"
#include "worker/storage.h"
#include "worker/worker_config.h"
#include "worker/worker_metrics.h"

namespace asio = boost::asio;
using namespace imagegen;

namespace {

// Thousands of jobs in flight hold thousands of upstream sockets and temp files: use the whole
// descriptor allowance the process is given.
void raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

worker::ProviderRegistry make_registry(const worker::WorkerConfig& config) {
  const auto& provider_env = config.provider_env;
  return worker::ProviderRegistry::from_env(
      [&](std::string_view name) -> std::optional<std::string> {
        auto it = provider_env.find(name);
        if (it == provider_env.end()) return std::nullopt;
        return it->second;
      });
}

// Everything one thread owns. Built and destroyed on the main thread while no io_context runs
// (thread start and join order those accesses), used only by its own thread in between.
struct Shard {
  Shard(const worker::WorkerConfig& config, const Catalog& catalog, worker::WorkerMetrics& metrics,
        worker::Storage* shared_storage, int slots)
      : ioc(1), http(ioc), registry(make_registry(config)) {
    worker::Storage* storage = shared_storage;
    if (storage == nullptr) {
      auto made = worker::make_storage(
          config.storage, http, {config.supabase_url, config.supabase_key, config.supabase_bucket});
      if (!made) throw std::runtime_error(made.error().message);
      own_storage = std::move(*made);
      storage = own_storage.get();
    }
    runner = std::make_unique<worker::JobRunner>(http, registry, *storage, metrics);
    consumer = std::make_unique<worker::Consumer>(ioc, config, catalog, *runner, metrics, slots);
  }
  ~Shard() {
    consumer.reset();
    runner.reset();
    own_storage.reset();
  }

  asio::io_context ioc;
  worker::HttpClient http;
  worker::ProviderRegistry registry;
  std::unique_ptr<worker::Storage> own_storage;  // backends bound to this thread's HttpClient
  std::unique_ptr<worker::JobRunner> runner;
  std::unique_ptr<worker::Consumer> consumer;
  std::unique_ptr<lifecycle::LoopLagProbe> lag_probe;
  asio::steady_timer backstop{ioc};
};

void run(const worker::WorkerConfig& config, const Catalog& catalog, worker::WorkerMetrics& metrics,
         std::vector<std::unique_ptr<Shard>>& shards);

}  // namespace

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
  auto log_format = parse_log_format(config.log_format);
  if (!log_format) {
    std::cerr << "imagegen-worker: " << log_format.error().message << "\n";
    return 2;
  }
  if (auto ok = init_logging("worker", config.log_level, *log_format); !ok) {
    std::cerr << "imagegen-worker: " << ok.error().message << "\n";
    return 2;
  }
  // IMAGEGEN_CATALOG, else share/imagegen/ beside the binary (install or build tree).
  auto catalog_path = find_catalog_path(config.catalog_path);
  auto catalog =
      catalog_path ? Catalog::load_file(*catalog_path) : Result<Catalog>(catalog_path.error());
  if (!catalog) {
    std::cerr << "imagegen-worker: " << catalog.error().message << "\n";
    return 2;
  }
  raise_fd_limit();
  try {
    worker::WorkerMetrics metrics;
    metrics.slots_capacity(config.concurrency);
    // Local disk is thread-safe and shared, so one group commit serves every thread; HTTP
    // backends are built per thread on that thread's HttpClient.
    std::unique_ptr<worker::Storage> shared_storage;
    if (config.storage.starts_with("local:")) {
      shared_storage = std::make_unique<worker::LocalStorage>(
          config.storage.substr(6), [&metrics](const worker::GroupCommitPass& pass) {
            metrics.storage_sync(pass.sync, pass.files, pass.ok);
          });
    }
    std::vector<std::unique_ptr<Shard>> shards;
    for (int i = 0; i < config.threads; ++i) {
      shards.push_back(
          std::make_unique<Shard>(config, *catalog, metrics, shared_storage.get(),
                                  worker::slots_of_thread(config.concurrency, config.threads, i)));
    }
    run(config, *catalog, metrics, shards);
    // Every loop has stopped. Storage first: its last sync pass posts to the (stopped, still
    // alive) io_contexts, whose queues are destroyed with the shards; nothing runs any more.
    shared_storage.reset();
    shards.clear();
  } catch (const std::exception& e) {
    std::cerr << "imagegen-worker: " << e.what() << "\n";
    return 1;
  }
  spdlog::info("stopped");
  return 0;
}

namespace {

// Runs every shard until drained (or stopped); returns after every thread has joined.
void run(const worker::WorkerConfig& config, const Catalog& catalog, worker::WorkerMetrics& metrics,
         std::vector<std::unique_ptr<Shard>>& shards) {
  Shard& main_shard = *shards.front();
  asio::io_context& ioc = main_shard.ioc;

  std::unique_ptr<MetricsServer> metrics_server;
  if (config.metrics_port != 0) {
    metrics_server = std::make_unique<MetricsServer>(ioc, config.metrics_host, config.metrics_port,
                                                     [&metrics] { return metrics.serialize(); });
  }
  // What this worker can serve, said once at start and advertised to the api while it runs.
  const auto families = worker::served_families(main_shard.registry);
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
  // Cancel listener, deadline sweeper and webhook sender (issue 11): one each per process, on
  // the main thread; every thread's consumer asks the listener about its own jobs.
  worker::LifecycleServices lifecycle(ioc, config, catalog, metrics);
  for (auto& s : shards) s->consumer->set_cancel_listener(&lifecycle.cancels());
  lifecycle.start();
  for (auto& s : shards) {
    s->consumer->start();
    s->lag_probe = metrics.loop_lag().probe(s->ioc);
    s->lag_probe->start();
  }
  RedisWatch redis_watch(ioc, metrics.redis());
  for (auto& s : shards) {
    for (const auto& [name, connection] : s->consumer->redis_connections()) {
      redis_watch.watch(name, connection);
    }
  }
  redis_watch.watch("worker-availability", advert_redis.get());
  redis_watch.start();

  auto in_flight = [&] {
    int n = 0;
    for (auto& s : shards) n += s->consumer->in_flight();
    return n;
  };

  // SIGTERM: stop reading, let in-flight jobs finish within the drain timeout, then exit 0.
  // Jobs still running then stay pending in the stream for another worker to reclaim.
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  asio::steady_timer drain_deadline(ioc);
  bool stopped = false;
  // Drained (or out of time): release Redis and the metrics port on every thread so each
  // run() returns by itself. Runs on the main thread.
  auto finish = [&] {
    if (stopped) return;
    stopped = true;
    drain_deadline.cancel();
    redis_watch.stop();  // before the connections it reads go
    if (metrics_server) metrics_server->stop();
    lifecycle.stop();
    asio::co_spawn(ioc, advertiser.stop(), [&](std::exception_ptr) { advert_redis.reset(); });
    for (auto& s : shards) {
      asio::post(s->ioc, [&shard = *s] {
        shard.consumer->shutdown();
        shard.lag_probe->stop();
        // curl's connection cache may keep a timer armed; do not wait on idle sockets long.
        shard.backstop.expires_after(std::chrono::seconds(2));
        shard.backstop.async_wait([&shard](const boost::system::error_code& e) {
          if (!e) shard.ioc.stop();
        });
      });
    }
  };
  std::size_t drained = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {} received: draining {} jobs", sig, in_flight());
    for (auto& s : shards) {
      // Each consumer stops on its own thread and reports back to the main one.
      asio::post(s->ioc, [&, &shard = *s] {
        shard.consumer->stop([&] {
          asio::post(ioc, [&] {
            if (++drained == shards.size()) finish();
          });
        });
      });
    }
    drain_deadline.expires_after(std::chrono::milliseconds(config.drain_timeout_ms));
    drain_deadline.async_wait([&](const boost::system::error_code& e) {
      if (!e) {
        spdlog::warn("drain timeout: {} jobs left for reclaim", in_flight());
        finish();
      }
    });
  });
  spdlog::info("consumer {} started, {} threads, concurrency {}, storage {}, {}",
               config.consumer_name, config.threads, config.concurrency, config.storage,
               allocator_name());
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < shards.size(); ++i) {
    threads.emplace_back([&shard = *shards[i], i] {
      // The main thread (io thread 0) keeps the process's name, which pgrep and ps match.
      set_thread_name("worker-io-" + std::to_string(i));
      try {
        shard.ioc.run();
      } catch (const std::exception& e) {
        spdlog::critical("worker thread failed: {}", e.what());
        std::abort();  // a half-dead worker would hold its jobs until reclaim: die loudly
      }
    });
  }
  ioc.run();
  for (auto& t : threads) t.join();
}

}  // namespace
