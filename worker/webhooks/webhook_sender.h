#pragma once
// Webhook delivery in the worker: claims due deliveries from Redis (WEBHOOK_CLAIM, one script:
// exclusive and durable, see common/webhook_scripts.h), POSTs each job's GET body signed per
// Standard Webhooks 1.0, and records the verdict (WEBHOOK_RECORD). The schedule lives only in
// Redis, so a worker that dies mid-delivery loses nothing: the claim's lease runs out and some
// worker claims it again.
//
// Bounds: at most max_in_flight deliveries at once, 15 s per attempt, 64 KB of a response read,
// no redirects; targets that resolve to a forbidden address (common/webhook_target.h) are
// refused after resolution, on the connected address, unless allow_private.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "common/catalog.h"
#include "common/redis/connection.h"
#include "common/redis/redis_config.h"
#include "common/redis/script.h"
#include "worker/http_client.h"
#include "worker/providers/http_message.h"
#include "worker/webhooks/retry_schedule.h"
#include "worker/worker_metrics.h"

namespace imagegen::worker::webhooks {

struct SenderOptions {
  RetryPolicy retry;
  bool allow_private = false;
  std::chrono::milliseconds attempt_timeout{15'000};
  // A claim is this worker's for this long; past it another worker may take the delivery.
  // Longer than an attempt plus recording it, so a live worker's claim never runs out.
  std::chrono::milliseconds lease{60'000};
  std::chrono::milliseconds poll_interval{500};
  int max_in_flight = 32;
  std::size_t max_response_bytes = 64 * 1024;
  std::chrono::milliseconds redis_timeout{2000};
};

// The signed POST of one attempt. Pure.
HttpRequest delivery_request(const std::string& url, std::string_view job_id,
                             std::int64_t timestamp_s, std::string body,
                             std::string_view secret_key);

class WebhookSender {
 public:
  WebhookSender(boost::asio::io_context& ioc, redis::RedisConfig redis, const Catalog& catalog,
                WorkerMetrics& metrics, SenderOptions options);
  ~WebhookSender();

  void start();
  // Stops claiming; deliveries in flight finish or are left to their lease.
  void stop();

 private:
  struct Claim;
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<int> claim_batch();
  boost::asio::awaitable<void> deliver(std::shared_ptr<Claim> claim);
  boost::asio::awaitable<void> record(const Claim& claim, Verdict verdict,
                                      std::optional<int> status, const std::string& error);

  boost::asio::io_context& ioc_;
  const Catalog& catalog_;
  WorkerMetrics& metrics_;
  SenderOptions options_;
  std::unique_ptr<redis::Connection> redis_;
  HttpClient http_;
  redis::Script claim_;
  redis::Script record_;
  boost::asio::steady_timer wake_;
  int in_flight_ = 0;
  bool stopping_ = false;
};

}  // namespace imagegen::worker::webhooks
