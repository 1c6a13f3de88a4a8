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
#include "worker/cancel_token.h"
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
  // Tripped when the job is cancelled; null = not cancellable. Tripped on the call's io_context.
  std::shared_ptr<CancelToken> cancel = {};
};

struct ValidImage {
  GeneratedImage image;
  image::ImageInfo info;  // what the bytes really are (format, extension, size)
};

struct CallOutcome {
  std::vector<ValidImage> images;  // in delivery order
  int failed = 0;                  // images given up on (errors, retries exhausted, deadline)
  int blocked = 0;                 // images refused by the provider's content policy
  int cancelled = 0;               // of `failed`: images abandoned because the job was cancelled
  int tries = 0;                   // upstream tries (each may include follow-up polls)
  std::string last_error;          // "<kind>: <message>" of the last failure, for job records
};

struct ProviderCallerOptions {
  RetryPolicy retry;
  // Upper bound on one HTTP exchange; the job deadline usually bounds it first.
  std::chrono::milliseconds max_exchange_timeout{180'000};
  // Results the provider links to: each download is bounded in time and size (an image bigger
  // than this is refused as malformed before it fills memory).
  std::chrono::milliseconds max_download_timeout{60'000};
  std::size_t max_download_bytes = 40 * 1024 * 1024;
  // Bound on the upstream cancel call sent for a running task when its job is cancelled.
  std::chrono::milliseconds max_cancel_timeout{5'000};
};

class ProviderCaller {
 public:
  // Returns a uniform random number in [0, 1) for backoff jitter.
  using Random = std::function<double()>;

  ProviderCaller(HttpClient& http, WorkerMetrics& metrics, ProviderCallerOptions options = {},
                 Random random = nullptr);

  // Gets `images` images of target.job from target.family, asking again for whatever a try did
  // not deliver, until all arrived, the provider refused, retry_policy gave up, or `deadline`
  // passed. Async families are polled with timers (the follow-up's delay, else the model's
  // pollIntervalMs); a poll or result download that fails on the network (or answers
  // 408/429/5xx) is sent again per retry_policy without submitting a new task. Results given as
  // URLs are downloaded concurrently (bounded size and time) and probed like inline ones.
  // Never throws for upstream trouble: every image ends up delivered, failed or blocked.
  // Cancelled by: `deadline` (every exchange and every wait is bounded by it) and target.cancel:
  // once tripped, the wait or exchange in progress ends at once, no new one starts, a task that
  // is running upstream is cancelled there when the family has a cancel call (bounded by
  // max_cancel_timeout), and the images not delivered yet count as failed and cancelled.
  boost::asio::awaitable<CallOutcome> call(CallTarget target, int images,
                                           Clock::time_point deadline);

 private:
  // What one submit (with its polls and downloads) produced.
  struct TryResult {
    std::vector<GeneratedImage> images;
    std::optional<ProviderError> error;  // why the try (or some of its downloads) failed
  };
  // One HTTP exchange. `repeatable`: the exchange itself failed (network, 408, 429, 5xx on a
  // follow-up), so the same request may be sent again; otherwise `parsed` is the family's word.
  struct Exchanged {
    ProviderParse parsed;
    bool repeatable = false;
  };
  using Download = std::variant<GeneratedImage, ProviderError>;

  boost::asio::awaitable<TryResult> one_try(const CallTarget& target, int images,
                                            Clock::time_point deadline);
  boost::asio::awaitable<Exchanged> exchange(const CallTarget& target, HttpRequest request,
                                             const ProviderFollowUp* follow_up,
                                             Clock::time_point deadline);
  boost::asio::awaitable<ProviderParse> follow(const CallTarget& target,
                                               const ProviderFollowUp& next,
                                               Clock::time_point deadline);
  boost::asio::awaitable<Download> download(const CallTarget& target, std::string url,
                                            Clock::time_point deadline);
  boost::asio::awaitable<void> download_all(const CallTarget& target, std::vector<std::string> urls,
                                            Clock::time_point deadline, TryResult& out);
  // Retry-or-not for repeating one exchange (poll or download); logs the decision.
  RetryDecision repeat_decision(const CallTarget& target, const ProviderError& error, int failures,
                                Clock::time_point deadline, std::string_view what);
  // Sends the family's cancel call for the running task `task` (if it has one); logs the answer.
  boost::asio::awaitable<void> cancel_upstream(const CallTarget& target,
                                               const ProviderFollowUp& task);
  // http_.fetch, ended early when target.cancel is tripped.
  boost::asio::awaitable<Result<HttpResponse>> fetch(const CallTarget& target, HttpRequest request,
                                                     std::chrono::milliseconds timeout);
  int accept_images(std::vector<GeneratedImage>& got, int wanted, CallOutcome& out,
                    std::string& problem) const;

  HttpClient& http_;
  WorkerMetrics& metrics_;
  ProviderCallerOptions options_;
  Random random_;
};

}  // namespace imagegen::worker
