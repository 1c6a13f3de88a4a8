#pragma once
// Runs one job's upstream work: fans `count` out into concurrent provider calls, stores every
// valid image, and reports what was delivered, failed and blocked. Finalizing (credits, job
// record, publish, ack) is the consumer's job, not this one's.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/catalog.h"
#include "common/job_spec.h"
#include "worker/http_client.h"
#include "worker/provider_caller.h"
#include "worker/providers/registry.h"
#include "worker/storage.h"
#include "worker/worker_metrics.h"

namespace imagegen::worker {

struct JobOutcome {
  std::vector<std::string> stored_paths;  // results[i].filePath; index i in the name, no gaps
  std::vector<std::string> providers;     // results[i].provider (family name)
  int failed = 0;                         // images that failed (upstream, validation, storage)
  int blocked = 0;                        // images refused by content policy
  std::string last_error;                 // for the job record; empty when all delivered
  // The job was cancelled while it ran: upstream work stopped, nothing stored, every image
  // counted in `failed`. Its finalization is expected to lose to the cancel's.
  bool cancelled = false;

  int delivered() const { return static_cast<int>(stored_paths.size()); }
  // "succeeded" (all delivered), "partial" (some), "blocked" (none, every one refused),
  // "failed" (none, at least one for another reason).
  std::string_view status() const;
};

struct JobRunnerOptions {
  ProviderCallerOptions caller;
  // Used when a job carries no deadline (deadline_ms == 0).
  std::chrono::milliseconds default_job_timeout{300'000};
};

class JobRunner {
 public:
  // All references must outlive the runner and every run_job() it started.
  JobRunner(HttpClient& http, const ProviderRegistry& providers, Storage& storage,
            WorkerMetrics& metrics, JobRunnerOptions options = {},
            ProviderCaller::Random random = nullptr);

  // Asks the job's provider family for job.count images (calls of at most
  // max_images_per_call, all concurrent), validates and stores each one, and returns the
  // outcome. Never throws for upstream or storage trouble: those are counted in the outcome.
  // Bounded by job.deadline_ms (unix ms): no upstream try starts or continues past it.
  // Cancelled by `cancel` (optional; trip it on the HttpClient's io_context): every provider
  // call stops promptly (waits and exchanges in flight end at once), running upstream tasks are
  // cancelled upstream where the protocol allows (Runway), and nothing is stored.
  // Must run on the HttpClient's io_context.
  boost::asio::awaitable<JobOutcome> run_job(const JobSpec& job, const ModelInfo& model,
                                             std::shared_ptr<CancelToken> cancel = nullptr);

 private:
  boost::asio::awaitable<std::vector<CallOutcome>> call_all(
      const ProviderEntry& entry, const ModelInfo& model, const JobSpec& job,
      Clock::time_point deadline, const std::shared_ptr<CancelToken>& cancel);
  boost::asio::awaitable<void> store_all(const JobSpec& job, std::string_view provider,
                                         const std::vector<const ValidImage*>& images,
                                         Clock::time_point deadline, Clock::time_point started,
                                         JobOutcome& out);
  Clock::time_point deadline_for(const JobSpec& job) const;

  const ProviderRegistry& providers_;
  Storage& storage_;
  WorkerMetrics& metrics_;
  JobRunnerOptions options_;
  ProviderCaller caller_;
};

// Splits `count` images into calls of at most `per_call` (>= 1), e.g. (4, 1) -> {1,1,1,1},
// (4, 10) -> {4}, (5, 2) -> {2,2,1}.
std::vector<int> split_into_calls(int count, int per_call);

}  // namespace imagegen::worker
