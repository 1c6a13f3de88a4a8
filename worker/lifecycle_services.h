#pragma once
// The worker's side of jobs that outlive one HTTP wait (issue 11), started from main with one
// line: the cancel listener (stops a cancelled job's upstream work), the deadline sweeper
// (expires and refunds jobs past their deadline) and the webhook sender (durable, signed
// deliveries). Each has its own Redis connection, so none waits behind the stream reader.
#include <boost/asio/io_context.hpp>

#include "common/catalog.h"
#include "worker/cancel_listener.h"
#include "worker/deadline_sweeper.h"
#include "worker/webhooks/webhook_sender.h"
#include "worker/worker_config.h"
#include "worker/worker_metrics.h"

namespace imagegen::worker {

class LifecycleServices {
 public:
  LifecycleServices(boost::asio::io_context& ioc, const WorkerConfig& config,
                    const Catalog& catalog, WorkerMetrics& metrics);
  void start();
  // Stops sweeping and claiming; a delivery in flight is finished or left to its lease.
  void stop();
  CancelListener& cancels() { return cancels_; }

 private:
  CancelListener cancels_;
  DeadlineSweeper sweeper_;
  webhooks::WebhookSender sender_;
};

}  // namespace imagegen::worker
