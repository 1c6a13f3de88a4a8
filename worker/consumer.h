#pragma once
// The worker's Redis side: reads jobs from the stream (group "workers") only while it has free
// slots, runs each through the JobRunner, and settles it with the FINALIZE script (which also
// acks). Owned by one io_context.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "common/catalog.h"
#include "common/job_spec.h"
#include "common/lifecycle/drain_gate.h"
#include "common/redis/connection.h"
#include "common/redis/script.h"
#include "worker/job_runner.h"
#include "worker/worker_config.h"
#include "worker/worker_metrics.h"

namespace imagegen::worker {

// The job's final status from what was delivered: all -> succeeded, some -> partial,
// none because the provider refused every image -> blocked, none by the deadline -> expired,
// otherwise failed.
std::string_view final_status(int count, int delivered, int blocked, bool deadline_passed);

class Consumer {
 public:
  Consumer(boost::asio::io_context& ioc, const WorkerConfig& config, const Catalog& catalog,
           JobRunner& runner, WorkerMetrics& metrics);

  // Creates the group if needed and starts the read loop.
  void start();
  // Stops taking new jobs; in-flight jobs carry on. `on_drained` runs once none is in flight.
  void stop(std::function<void()> on_drained);
  int in_flight() const { return static_cast<int>(gate_.in_flight()); }
  // Closes the Redis connections (the blocked stream read ends); call after stop() has drained.
  void shutdown();

 private:
  boost::asio::awaitable<void> read_loop();
  // `ticket` keeps the job counted in gate_ until the coroutine ends.
  boost::asio::awaitable<void> process(std::string entry_id, JobSpec job,
                                       lifecycle::DrainGate::Ticket ticket);
  boost::asio::awaitable<void> finalize(const std::string& entry_id, const JobSpec& job,
                                        std::string_view status, int delivered,
                                        const std::string& results_json, const std::string& error);
  boost::asio::awaitable<void> depth_loop();
  // consumer_reclaim.cpp: keep our own pending entries fresh, take over those of dead workers.
  boost::asio::awaitable<void> heartbeat_loop();
  boost::asio::awaitable<void> reclaim_loop();
  boost::asio::awaitable<void> reclaim_once();
  boost::asio::awaitable<void> dead_letter(std::string entry_id, JobSpec job,
                                           std::int64_t deliveries);
  // Starts a job from a stream entry (read or reclaimed); false when the entry is malformed.
  bool take(const std::string& entry_id, const redis::Reply& fields);
  boost::asio::awaitable<void> mark_running(std::string job_id);
  void slot_freed();

  boost::asio::io_context& ioc_;
  const WorkerConfig& config_;
  const Catalog& catalog_;
  JobRunner& runner_;
  WorkerMetrics& metrics_;
  std::unique_ptr<redis::Connection> commands_;
  std::unique_ptr<redis::Connection> reader_;  // XREADGROUP BLOCK holds its connection: its own
  redis::Script start_;
  redis::Script finalize_;
  boost::asio::steady_timer slot_signal_;
  lifecycle::DrainGate gate_;                // jobs in flight; closed by stop()
  std::set<std::string> entries_in_flight_;  // stream ids of our running jobs (heartbeat)
  bool stopping_ = false;
};

}  // namespace imagegen::worker
