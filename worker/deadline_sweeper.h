#pragma once
// Expires jobs nobody settled by their deadline: every `interval`, jobs in imagegen:deadlines
// whose deadline passed more than `grace` ago are settled `expired` through SETTLE (all their
// credits refunded). The grace lets the running worker's own settlement win in the normal case;
// this catches jobs whose worker died, whose stream entry waits behind a long queue, or that
// were admitted async and never finished (IMAGEGEN_JOB_DEADLINE_MS). Every worker sweeps;
// SETTLE makes the duplicates harmless (exactly one settlement wins).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "common/redis/connection.h"
#include "common/redis/redis_config.h"
#include "common/redis/script.h"
#include "worker/worker_metrics.h"

namespace imagegen::worker {

struct SweeperOptions {
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds grace{5000};
  int batch = 100;  // jobs settled per pass at most
  std::chrono::milliseconds redis_timeout{2000};
};

class DeadlineSweeper {
 public:
  DeadlineSweeper(boost::asio::io_context& ioc, redis::RedisConfig redis, WorkerMetrics& metrics,
                  SweeperOptions options);
  ~DeadlineSweeper();
  void start();
  void stop();

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> sweep_once();

  boost::asio::io_context& ioc_;
  WorkerMetrics& metrics_;
  SweeperOptions options_;
  std::unique_ptr<redis::Connection> redis_;
  redis::Script settle_;
  boost::asio::steady_timer timer_;
  bool stopping_ = false;
};

}  // namespace imagegen::worker
