#pragma once
// The one place that talks to providers: for every family it sends the request the family built,
// bounds each try by the job deadline, follows async follow-ups, validates delivered bytes with
// probe_image, retries per retry_policy, and records metrics and structured logs (job id,
// provider, attempt, error; never keys, prompts or image bytes).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/image/image_probe.h"
#include "worker/http_client.h"
#include "worker/providers/provider.h"
#include "worker/retry_policy.h"
#include "worker/worker_metrics.h"

namespace imagegen::worker {

using Clock = std::chrono::steady_clock;

// What one call is about. References must outlive the call.
struct CallTarget {
  const ProviderFamily& family;
  const ProviderEndpoint& endpoint;
  const ModelInfo& model;
  const JobSpec& job;
};

struct ValidImage {
  GeneratedImage image;
  image::ImageInfo info;  // what the bytes really are (format, extension, size)
};

struct CallOutcome {
  std::vector<ValidImage> images;  // in delivery order
  int failed = 0;                  // images given up on (errors, retries exhausted, deadline)
  int blocked = 0;                 // images refused by the provider's content policy
  int tries = 0;                   // upstream tries (each may include follow-up polls)
  std::string last_error;          // "<kind>: <message>" of the last failure, for job records
};

struct ProviderCallerOptions {
  RetryPolicy retry;
  // Upper bound on one HTTP exchange; the job deadline usually bounds it first.
  std::chrono::milliseconds max_exchange_timeout{180'000};
};

class ProviderCaller {
 public:
  // Returns a uniform random number in [0, 1) for backoff jitter.
  using Random = std::function<double()>;

  ProviderCaller(HttpClient& http, WorkerMetrics& metrics, ProviderCallerOptions options = {},
                 Random random = nullptr);

  // Gets `images` images of target.job from target.family, asking again for whatever a try did
  // not deliver, until all arrived, the provider refused, retry_policy gave up, or `deadline`
  // passed. Never throws for upstream trouble: every image ends up delivered, failed or blocked.
  // Cancelled by: nothing but `deadline` (every exchange and every wait is bounded by it).
  boost::asio::awaitable<CallOutcome> call(CallTarget target, int images,
                                           Clock::time_point deadline);

 private:
  using TryResult = std::variant<ProviderImages, ProviderError>;

  boost::asio::awaitable<TryResult> one_try(const CallTarget& target, int images,
                                            Clock::time_point deadline);
  boost::asio::awaitable<ProviderParse> exchange(const CallTarget& target, HttpRequest request,
                                                 const ProviderFollowUp* follow_up,
                                                 Clock::time_point deadline);
  int accept_images(ProviderImages& got, int wanted, CallOutcome& out, std::string& problem) const;

  HttpClient& http_;
  WorkerMetrics& metrics_;
  ProviderCallerOptions options_;
  Random random_;
};

}  // namespace imagegen::worker
