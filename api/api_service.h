#pragma once
// The api's request handlers for one thread: every route, the admission flow
// (validate -> authorize+reserve+enqueue in one script -> wait -> answer) and job lookups.
// Owned by one io_context; no locking.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "api/api_config.h"
#include "api/api_metrics.h"
#include "api/api_types.h"
#include "api/job_waiters.h"
#include "common/catalog.h"
#include "common/redis/connection.h"
#include "common/redis/script.h"
#include "common/redis/subscriber.h"

namespace imagegen::api {

// Route names used as metric labels (a fixed set: no user input reaches a label).
std::string_view route_name(std::string_view method, std::string_view target);

class ApiService {
 public:
  ApiService(boost::asio::io_context& ioc, const ApiConfig& config, const Catalog& catalog,
             ApiMetrics& metrics, int thread_index);

  // Connects to Redis and subscribes to this thread's reply channel (in the background).
  void start();
  // Answers one request. Never throws for bad input or Redis trouble: those become 4xx/5xx.
  boost::asio::awaitable<ApiResponse> handle(ApiRequest request);

  std::size_t waiting() const { return waiters_.size(); }
  // Closes the Redis connections; call once no request is being handled on this thread.
  void shutdown();

 private:
  boost::asio::awaitable<ApiResponse> generate(ApiRequest& request);
  boost::asio::awaitable<ApiResponse> job_status(const ApiRequest& request,
                                                 std::string_view job_id);
  boost::asio::awaitable<ApiResponse> readyz();
  boost::asio::awaitable<ApiResponse> expire_or_collect(const std::string& job_id,
                                                        const std::string& model,
                                                        const std::string& provider,
                                                        const std::string& prompt, int count);
  boost::asio::awaitable<void> recheck_pending();
  boost::asio::awaitable<ApiResponse> replay(const std::string& job_id,
                                             std::chrono::steady_clock::time_point deadline);
  // The job's final outcome from its hash, or nullopt while it is queued/running or unreadable.
  boost::asio::awaitable<std::optional<JobResultMessage>> read_final(const std::string& job_id);
  ApiResponse answer(const JobResultMessage& m, const std::string& model,
                     const std::string& provider, const std::string& prompt, int count);

  boost::asio::io_context& ioc_;
  const ApiConfig& config_;
  const Catalog& catalog_;
  ApiMetrics& metrics_;
  std::string channel_;
  std::unique_ptr<redis::Connection> redis_;
  std::unique_ptr<redis::Subscriber> subscriber_;
  redis::Script admit_;
  redis::Script finalize_;
  JobWaiters waiters_;
};

}  // namespace imagegen::api
