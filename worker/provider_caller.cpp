#include "worker/provider_caller.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

namespace imagegen::worker {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

milliseconds until(Clock::time_point deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
}

asio::awaitable<void> sleep_for(milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
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

ProviderCaller::Random default_random() {
  return [] {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
  };
}

}  // namespace

ProviderCaller::ProviderCaller(HttpClient& http, WorkerMetrics& metrics,
                               ProviderCallerOptions options, Random random)
    : http_(http),
      metrics_(metrics),
      options_(std::move(options)),
      random_(random ? std::move(random) : default_random()) {}

asio::awaitable<ProviderParse> ProviderCaller::exchange(const CallTarget& target,
                                                        HttpRequest request,
                                                        const ProviderFollowUp* follow_up,
                                                        Clock::time_point deadline) {
  const milliseconds left = until(deadline);
  if (left <= milliseconds(0)) co_return deadline_error("job deadline passed");
  const milliseconds timeout = std::min(left, options_.max_exchange_timeout);
  const auto start = Clock::now();
  Result<HttpResponse> response = co_await http_.fetch(std::move(request), timeout);
  const auto latency = Clock::now() - start;

  ProviderParse parsed = ProviderImages{};
  if (!response) {
    std::string message = response.error().message;
    if (response.error().code == Errc::kTimeout) {
      message = "no answer within " + std::to_string(timeout.count()) + " ms";
    }
    parsed = ProviderError{kind_for_transport(response.error().code), 0, std::move(message),
                           std::nullopt};
  } else if (follow_up != nullptr) {
    parsed = target.family.parse_follow_up(*response, *follow_up);
  } else {
    parsed = target.family.parse_response(*response);
  }
  auto* err = std::get_if<ProviderError>(&parsed);
  if (err != nullptr) err->message = without_key(std::move(err->message), target.endpoint.api_key);
  metrics_.provider_call(target.family.name(), err ? provider_error_kind_name(err->kind) : "ok",
                         latency);
  co_return parsed;
}

asio::awaitable<ProviderCaller::TryResult> ProviderCaller::one_try(const CallTarget& target,
                                                                   int images,
                                                                   Clock::time_point deadline) {
  HttpRequest request =
      target.family.build_request(target.model, target.job, images, target.endpoint);
  ProviderParse parsed = co_await exchange(target, std::move(request), nullptr, deadline);
  // Async families: keep following until images or an error come back, within the deadline.
  while (auto* follow = std::get_if<ProviderFollowUp>(&parsed)) {
    const ProviderFollowUp next = std::move(*follow);
    if (Clock::now() + next.delay >= deadline) {
      co_return deadline_error("job deadline passed while waiting for the provider");
    }
    co_await sleep_for(next.delay);
    HttpRequest poll = target.family.build_follow_up(next, target.endpoint);
    parsed = co_await exchange(target, std::move(poll), &next, deadline);
  }
  if (auto* images_got = std::get_if<ProviderImages>(&parsed)) co_return std::move(*images_got);
  co_return std::get<ProviderError>(std::move(parsed));
}

int ProviderCaller::accept_images(ProviderImages& got, int wanted, CallOutcome& out,
                                  std::string& problem) const {
  int invalid = 0;
  int accepted = 0;
  for (GeneratedImage& img : got.images) {
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
  if (accepted == 0 && invalid == 0) problem = "provider returned no images";
  return accepted == 0 ? std::max(invalid, 1) : invalid;
}

asio::awaitable<CallOutcome> ProviderCaller::call(CallTarget target, int images,
                                                  Clock::time_point deadline) {
  CallOutcome out;
  int failures = 0;
  const std::string_view provider = target.family.name();
  while (static_cast<int>(out.images.size()) < images) {
    const int remaining = images - static_cast<int>(out.images.size());
    ++out.tries;
    TryResult result = co_await one_try(target, remaining, deadline);
    ProviderError error;
    if (auto* got = std::get_if<ProviderImages>(&result)) {
      std::string problem;
      // A short but clean delivery is progress: ask again for the rest at once.
      if (accept_images(*got, remaining, out, problem) == 0) continue;
      if (static_cast<int>(out.images.size()) == images) break;
      error = ProviderError{ProviderErrorKind::kMalformed, 200,
                            "delivered bytes are not an image: " + problem, std::nullopt};
    } else {
      error = std::get<ProviderError>(std::move(result));
    }
    ++failures;
    const int left = images - static_cast<int>(out.images.size());
    const RetryDecision decision =
        decide_retry(error, failures, until(deadline), random_(), options_.retry);
    spdlog::warn(
        "provider_call_failed job={} provider={} model={} try={} kind={} status={} images_left={} "
        "decision={} delay_ms={} error=\"{}\"",
        target.job.job_id, provider, target.model.key, out.tries,
        provider_error_kind_name(error.kind), error.http_status, left, decision.reason,
        decision.delay.count(), error.message);
    if (!decision.retry) {
      (error.kind == ProviderErrorKind::kContentBlocked ? out.blocked : out.failed) += left;
      out.last_error = std::string(provider_error_kind_name(error.kind)) + ": " + error.message;
      break;
    }
    co_await sleep_for(decision.delay);
  }
  co_return out;
}

}  // namespace imagegen::worker
