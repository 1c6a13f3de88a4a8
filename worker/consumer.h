#pragma once
// The worker's Redis side: reads jobs from the stream (group "workers") only while it has free
// slots, runs each through the JobRunner, and settles it with the SETTLE script (which also
// acks). Owned by one io_context: a worker runs one Consumer per thread, each with its own Redis
// connections and its share of the slots, sharing nothing on the hot path.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "common/catalog.h"
#include "common/job_spec.h"
#include "common/redis/connection.h"
#include "common/redis/script.h"
#include "worker/cancel_listener.h"
#include "worker/job_runner.h"
#include "worker/settle_batcher.h"
#include "worker/worker_config.h"
#include "worker/worker_metrics.h"

namespace imagegen::worker {

class Consumer {
 public:
  Consumer(boost::asio::io_context& ioc, const WorkerConfig& config, const Catalog& catalog,
           JobRunner& runner, WorkerMetrics& metrics, int slots);

  // Creates the group if needed and starts the read loop.
  void start();
  // Stops taking new jobs; in-flight jobs carry on. `on_drained` runs once none is in flight.
  void stop(std::function<void()> on_drained);
  // Readable from any thread (for logs).
  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  // Cancel (issue 11): jobs cancelled while queued are not run; running ones are watched.
  void set_cancel_listener(CancelListener* cancels) { cancels_ = cancels; }
  // For the Redis health metrics (valid from start() until shutdown()).
  std::vector<std::pair<std::string, const redis::Connection*>> redis_connections() const {
    return {{"worker-commands", commands_.get()}, {"worker-reader", reader_.get()}};
  }
  // Closes the Redis connections (the blocked stream read ends); call after stop() has drained.
  void shutdown();

 private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> process(std::string entry_id, JobSpec job);
  boost::asio::awaitable<void> finalize(const std::string& entry_id, const JobSpec& job,
                                        std::string_view status, int delivered,
                                        const std::vector<std::string>& results,
                                        const std::string& error, std::string_view counted_as = {});
  // consumer_reclaim.cpp: keep our own pending entries fresh, take over those of dead workers.
  boost::asio::awaitable<void> heartbeat_loop();
  boost::asio::awaitable<void> reclaim_loop();
  boost::asio::awaitable<void> reclaim_once();
  boost::asio::awaitable<void> dead_letter(std::string entry_id, JobSpec job,
                                           std::int64_t deliveries);
  // Starts a job from a stream entry (read or reclaimed); false when the entry is malformed.
  bool take(const std::string& entry_id, const redis::Reply& fields);
  // Marks the jobs taken since the last tick running, all in one START_MANY call.
  boost::asio::awaitable<void> start_loop();
  void slot_freed();

  boost::asio::io_context& ioc_;
  const WorkerConfig& config_;
  const Catalog& catalog_;
  JobRunner& runner_;
  WorkerMetrics& metrics_;
  std::unique_ptr<redis::Connection> commands_;
  std::unique_ptr<redis::Connection> reader_;  // XREADGROUP BLOCK holds its connection: its own
  redis::Script start_many_;
  redis::Script finalize_;
  std::optional<SettleBatcher> settler_;  // on commands_, from start() to shutdown()
  boost::asio::steady_timer slot_signal_;
  const int slots_;
  std::atomic<int> in_flight_{0};  // written on this io_context's thread only
  // Taken and not yet marked running (job id -> when taken); a job settled first is dropped.
  std::unordered_map<std::string, std::int64_t> to_mark_;
  std::set<std::string> entries_in_flight_;  // stream ids of our running jobs (heartbeat)
  bool stopping_ = false;
  std::function<void()> on_drained_;
  CancelListener* cancels_ = nullptr;  // issue 11
};

}  // namespace imagegen::worker
