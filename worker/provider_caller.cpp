#include "worker/provider_caller.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/backoff.h"
#include "worker/providers/http_headers.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

milliseconds until(Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
}

bool stopped(const CallTarget& target) { return target.cancel && target.cancel->cancelled(); }

// Waits `d`, or less when the job is cancelled meanwhile.
asio::awaitable<void> sleep_for(milliseconds d, const CallTarget& target) {
  if (stopped(target)) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  CancelToken::Subscription wake;
  if (target.cancel) wake = target.cancel->subscribe([&timer] { timer.cancel(); });
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

ProviderError cancelled_error() {
  return ProviderError{ProviderErrorKind::kTransient, 0, "job cancelled", std::nullopt};
}

ProviderError deadline_error(std::string_view what) {
  return ProviderError{ProviderErrorKind::kTimeout, 0, std::string(what), std::nullopt};
}

// Upstream error text is logged and stored with the job: it must never carry our key.
std::string without_key(std::string message, const std::string& key) {
  if (key.size() < 4) return message;
  for (auto pos = message.find(key); pos != std::string::npos; pos = message.find(key, pos)) {
    message.replace(pos, key.size(), "[redacted]");
  }
  return message;
}

std::string without_secrets(std::string message, const ProviderEndpoint& endpoint) {
  return without_key(without_key(std::move(message), endpoint.api_key), endpoint.secret_key);
}

// Statuses after which the very same follow-up or download is worth sending again.
bool is_repeatable_status(int status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

ProviderError status_error(const HttpResponse& r) {
  ProviderError err =
      make_provider_error(kind_for_status(r.status), r.status, "HTTP " + std::to_string(r.status));
  err.retry_after = retry_after_from(r, std::chrono::system_clock::now());
  return err;
}

ProviderCaller::Random default_random() {
  return [] { return unit_random(); };
}

void abandon(CallOutcome& out, int images) {
  if (images <= 0) return;
  out.failed += images;
  out.cancelled += images;
  out.last_error = "cancelled: job cancelled";
}

}  // namespace

ProviderCaller::ProviderCaller(HttpClient& http, WorkerMetrics& metrics,
                               ProviderCallerOptions options, Random random)
    : http_(http),
      metrics_(metrics),
      options_(std::move(options)),
      random_(random ? std::move(random) : default_random()) {}

asio::awaitable<ProviderCaller::Exchanged> ProviderCaller::exchange(
    const CallTarget& target, HttpRequest request, const ProviderFollowUp* follow_up,
    Clock::time_point deadline) {
  const milliseconds left = until(deadline);
  if (left <= milliseconds(0)) co_return Exchanged{deadline_error("job deadline passed"), false};
  const milliseconds timeout = std::min(left, options_.max_exchange_timeout);
  const auto start = Clock::now();
  Result<HttpResponse> response = co_await fetch(target, std::move(request), timeout);
  const auto latency = Clock::now() - start;
  if (stopped(target)) co_return Exchanged{cancelled_error(), false};

  Exchanged out{ProviderImages{}, false};
  if (!response) {
    std::string message = response.error().message;
    if (response.error().code == Errc::kTimeout) {
      message = "no answer within " + std::to_string(timeout.count()) + " ms";
    }
    out.parsed = ProviderError{kind_for_transport(response.error().code), 0, std::move(message),
                               std::nullopt};
    out.repeatable = true;
  } else if (follow_up != nullptr && is_repeatable_status(response->status)) {
    // A poll that hit a busy or broken edge says nothing about the task: ask again.
    out.parsed = status_error(*response);
    out.repeatable = true;
  } else if (follow_up != nullptr) {
    out.parsed = target.family.parse_follow_up(*response, *follow_up);
  } else {
    out.parsed = target.family.parse_response(*response);
  }
  auto* err = std::get_if<ProviderError>(&out.parsed);
  if (err != nullptr) {
    err->message = without_secrets(std::move(err->message), target.endpoint);
  }
  metrics_.provider_call(target.family.name(), target.model.key,
                         follow_up != nullptr ? "poll" : "submit",
                         err ? provider_error_kind_name(err->kind) : "ok", latency);
  co_return out;
}

asio::awaitable<Result<HttpResponse>> ProviderCaller::fetch(const CallTarget& target,
                                                            HttpRequest request,
                                                            milliseconds timeout) {
  if (!target.cancel) co_return co_await http_.fetch(std::move(request), timeout);
  if (target.cancel->cancelled()) co_return make_error(Errc::kUnavailable, "job cancelled");
  asio::cancellation_signal signal;
  CancelToken::Subscription stop =
      target.cancel->subscribe([&signal] { signal.emit(asio::cancellation_type::terminal); });
  co_return co_await http_.fetch(std::move(request), timeout, signal.slot());
}

asio::awaitable<void> ProviderCaller::cancel_upstream(const CallTarget& target,
                                                      const ProviderFollowUp& task) {
  std::optional<HttpRequest> request = target.family.build_cancel(task, target.endpoint);
  if (!request) co_return;
  // Not tied to the (tripped) token: this call is the point of the cancel. Bounded on its own.
  Result<HttpResponse> r = co_await http_.fetch(std::move(*request), options_.max_cancel_timeout);
  if (r && r->status >= 200 && r->status <= 299) {
    spdlog::info("provider_task_cancelled job={} provider={} task={} status={}", target.job.job_id,
                 target.family.name(), task.task_id, r->status);
  } else {
    spdlog::warn("provider_task_cancel_failed job={} provider={} task={} error=\"{}\"",
                 target.job.job_id, target.family.name(), task.task_id,
                 r ? "HTTP " + std::to_string(r->status) : r.error().message);
  }
}

RetryDecision ProviderCaller::repeat_decision(const CallTarget& target, const ProviderError& error,
                                              int failures, Clock::time_point deadline,
                                              std::string_view what) {
  const RetryDecision decision =
      decide_retry(error, failures, until(deadline), random_(), options_.retry);
  spdlog::warn(
      "provider_{}_failed job={} user={} request_id={} provider={} model={} attempt={} kind={} "
      "status={} decision={} delay_ms={} error=\"{}\"",
      what, target.job.job_id, target.job.user_id, target.job.request_id, target.family.name(),
      target.model.key, failures, provider_error_kind_name(error.kind), error.http_status,
      decision.reason, decision.delay.count(), error.message);
  return decision;
}

asio::awaitable<ProviderParse> ProviderCaller::follow(const CallTarget& target,
                                                      const ProviderFollowUp& next,
                                                      Clock::time_point deadline) {
  for (int failures = 1;; ++failures) {
    HttpRequest poll = target.family.build_follow_up(next, target.endpoint);
    Exchanged got = co_await exchange(target, std::move(poll), &next, deadline);
    if (!got.repeatable) co_return std::move(got.parsed);
    const ProviderError& error = std::get<ProviderError>(got.parsed);
    const RetryDecision decision = repeat_decision(target, error, failures, deadline, "poll");
    if (!decision.retry) co_return std::move(got.parsed);
    co_await sleep_for(decision.delay, target);
    if (stopped(target)) co_return cancelled_error();
  }
}

asio::awaitable<ProviderCaller::Download> ProviderCaller::download(const CallTarget& target,
                                                                   std::string url,
                                                                   Clock::time_point deadline) {
  for (int failures = 1;; ++failures) {
    if (stopped(target)) co_return cancelled_error();
    const milliseconds left = until(deadline);
    if (left <= milliseconds(0)) co_return deadline_error("job deadline passed before download");
    const milliseconds timeout = std::min(left, options_.max_download_timeout);
    HttpRequest request;
    request.method = "GET";
    request.url = url;
    request.max_response_bytes = options_.max_download_bytes;
    const auto start = Clock::now();
    Result<HttpResponse> response = co_await fetch(target, std::move(request), timeout);
    const auto latency = Clock::now() - start;
    if (stopped(target)) co_return cancelled_error();
    ProviderError error;
    bool repeatable = true;
    if (!response) {
      error = ProviderError{kind_for_transport(response.error().code), 0,
                            "result download: " + response.error().message, std::nullopt};
      // An image over the size bound will not shrink on a second try.
      repeatable = response.error().code != Errc::kProtocol;
    } else if (response->status >= 200 && response->status <= 299) {
      metrics_.provider_call(target.family.name(), target.model.key, "download", "ok", latency);
      const std::string* type = response->header("content-type");
      co_return GeneratedImage{std::move(response->body), type ? *type : std::string()};
    } else {
      error = status_error(*response);
      error.message = "result download: " + error.message;
      repeatable = is_repeatable_status(response->status);
      // Expired or missing result: the task is lost, a new submit may still succeed.
      if (!repeatable) error.kind = ProviderErrorKind::kMalformed;
    }
    metrics_.provider_call(target.family.name(), target.model.key, "download",
                           provider_error_kind_name(error.kind), latency);
    if (!repeatable) co_return error;
    const RetryDecision decision = repeat_decision(target, error, failures, deadline, "download");
    if (!decision.retry) co_return error;
    co_await sleep_for(decision.delay, target);
  }
}

asio::awaitable<void> ProviderCaller::download_all(const CallTarget& target,
                                                   std::vector<std::string> urls,
                                                   Clock::time_point deadline, TryResult& out) {
  std::vector<Download> results;
  if (urls.size() == 1) {
    Download only = co_await download(target, std::move(urls[0]), deadline);
    results.push_back(std::move(only));
  } else {
    const auto ex = co_await asio::this_coro::executor;
    using DownloadOp =
        decltype(asio::co_spawn(ex, std::declval<asio::awaitable<Download>>(), asio::deferred));
    std::vector<DownloadOp> ops;
    for (std::string& url : urls) {
      ops.push_back(asio::co_spawn(ex, download(target, std::move(url), deadline), asio::deferred));
    }
    // Named: GCC 12 double-destroys non-trivial temporaries inside co_await expressions.
    auto group = asio::experimental::make_parallel_group(std::move(ops));
    auto [order, errors, downloads] =
        co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (std::size_t i = 0; i < downloads.size(); ++i) {
      if (errors[i]) {
        downloads[i] = ProviderError{ProviderErrorKind::kTransient, 0,
                                     "result download raised an exception", std::nullopt};
      }
    }
    results = std::move(downloads);
  }
  for (Download& d : results) {
    if (auto* img = std::get_if<GeneratedImage>(&d)) {
      out.images.push_back(std::move(*img));
    } else {
      out.error = std::get<ProviderError>(std::move(d));
    }
  }
}

asio::awaitable<ProviderCaller::TryResult> ProviderCaller::one_try(const CallTarget& target,
                                                                   int images,
                                                                   Clock::time_point deadline) {
  HttpRequest request =
      target.family.build_request(target.model, target.job, images, target.endpoint);
  Exchanged submitted = co_await exchange(target, std::move(request), nullptr, deadline);
  ProviderParse parsed = std::move(submitted.parsed);
  // Async families: keep following until images or an error come back, within the deadline.
  // Each wait is a timer on this io_context: a slow task holds only its own coroutine.
  while (auto* next_ptr = std::get_if<ProviderFollowUp>(&parsed)) {
    const ProviderFollowUp next = std::move(*next_ptr);
    const milliseconds delay =
        next.delay.value_or(milliseconds(std::max(target.model.poll_interval_ms, 0)));
    if (Clock::now() + delay >= deadline) {
      co_return TryResult{{}, deadline_error("job deadline passed while waiting for the provider")};
    }
    co_await sleep_for(delay, target);
    if (!stopped(target)) parsed = co_await follow(target, next, deadline);
    // Cancelled while the task runs upstream: stop it there too, where the protocol can.
    if (stopped(target) && !std::holds_alternative<ProviderImages>(parsed)) {
      co_await cancel_upstream(target, next);
      co_return TryResult{{}, cancelled_error()};
    }
  }
  if (auto* err = std::get_if<ProviderError>(&parsed)) co_return TryResult{{}, std::move(*err)};
  ProviderImages& got = std::get<ProviderImages>(parsed);
  TryResult out;
  out.images = std::move(got.images);
  // Download only what is still wanted (Midjourney always makes four).
  const auto wanted =
      static_cast<std::size_t>(std::max(images - static_cast<int>(out.images.size()), 0));
  if (got.urls.size() > wanted) got.urls.resize(wanted);
  if (!got.urls.empty()) co_await download_all(target, std::move(got.urls), deadline, out);
  co_return out;
}

int ProviderCaller::accept_images(std::vector<GeneratedImage>& got, int wanted, CallOutcome& out,
                                  std::string& problem) const {
  int invalid = 0;
  int accepted = 0;
  for (GeneratedImage& img : got) {
    if (accepted == wanted) break;  // more than asked for: not ours to bill
    auto info = image::probe_image(img.bytes);
    if (!info) {
      ++invalid;
      problem = info.error().message;
      continue;
    }
    out.images.push_back(ValidImage{std::move(img), *info});
    ++accepted;
  }
  return invalid;
}

asio::awaitable<CallOutcome> ProviderCaller::call(CallTarget target, int images,
                                                  Clock::time_point deadline) {
  CallOutcome out;
  int failures = 0;
  const std::string_view provider = target.family.name();
  while (static_cast<int>(out.images.size()) < images) {
    const int remaining = images - static_cast<int>(out.images.size());
    if (stopped(target)) {
      abandon(out, remaining);
      break;
    }
    ++out.tries;
    TryResult result = co_await one_try(target, remaining, deadline);
    std::string problem;
    const std::size_t before = out.images.size();
    const int invalid = accept_images(result.images, remaining, out, problem);
    if (stopped(target)) {
      // Whatever arrived before the cancel is kept; the rest is not asked for again.
      abandon(out, images - static_cast<int>(out.images.size()));
      break;
    }
    const bool progress = out.images.size() > before;
    // A short but clean delivery is progress: ask again for the rest at once.
    if (!result.error && invalid == 0 && progress) continue;
    if (static_cast<int>(out.images.size()) == images) break;
    ProviderError error;
    if (result.error && (invalid == 0 || progress)) {
      error = std::move(*result.error);
    } else {
      if (invalid == 0) problem = "provider returned no images";
      error = ProviderError{ProviderErrorKind::kMalformed, 200,
                            "delivered bytes are not an image: " + problem, std::nullopt};
    }
    ++failures;
    const int left = images - static_cast<int>(out.images.size());
    const RetryDecision decision =
        decide_retry(error, failures, until(deadline), random_(), options_.retry);
    spdlog::warn(
        "provider_call_failed job={} user={} request_id={} provider={} model={} try={} kind={} "
        "status={} images_left={} decision={} delay_ms={} error=\"{}\"",
        target.job.job_id, target.job.user_id, target.job.request_id, provider, target.model.key,
        out.tries, provider_error_kind_name(error.kind), error.http_status, left, decision.reason,
        decision.delay.count(), error.message);
    if (!decision.retry) {
      (error.kind == ProviderErrorKind::kContentBlocked ? out.blocked : out.failed) += left;
      out.last_error = std::string(provider_error_kind_name(error.kind)) + ": " + error.message;
      break;
    }
    co_await sleep_for(decision.delay, target);
  }
  co_return out;
}

}  // namespace imagegen::worker
