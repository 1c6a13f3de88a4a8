#include "worker/job_runner.h"

#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/lifecycle/when_all.h"
#include "common/protocol/job_status.h"

namespace imagegen::worker {

namespace asio = boost::asio;

namespace {

std::string exception_text(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

std::string_view JobOutcome::status() const {
  // Without a deadline in view: the consumer decides "expired" with the same function.
  return protocol::final_status(delivered() + failed + blocked, delivered(), blocked, false);
}

std::vector<int> split_into_calls(int count, int per_call) {
  per_call = std::max(per_call, 1);
  std::vector<int> sizes;
  for (int left = count; left > 0; left -= per_call) sizes.push_back(std::min(left, per_call));
  return sizes;
}

JobRunner::JobRunner(HttpClient& http, const ProviderRegistry& providers, Storage& storage,
                     WorkerMetrics& metrics, JobRunnerOptions options,
                     ProviderCaller::Random random)
    : providers_(providers),
      storage_(storage),
      metrics_(metrics),
      options_(std::move(options)),
      caller_(http, metrics, options_.caller, std::move(random)) {}

Clock::time_point JobRunner::deadline_for(const JobSpec& job) const {
  const auto now = Clock::now();
  if (job.deadline_ms <= 0) return now + options_.default_job_timeout;
  return now + std::chrono::milliseconds(job.deadline_ms - now_ms());
}

asio::awaitable<std::vector<CallOutcome>> JobRunner::call_all(
    const ProviderEntry& entry, const ModelInfo& model, const JobSpec& job,
    Clock::time_point deadline, const std::shared_ptr<CancelToken>& cancel) {
  const std::vector<int> sizes =
      split_into_calls(job.count, entry.family->max_images_per_call(model));
  if (sizes.size() == 1) {
    // The common case (one call): no group, no extra coroutine frames.
    const CallTarget target{*entry.family, entry.endpoint, model, job};
    std::vector<CallOutcome> one(1);
    std::exception_ptr failed;
    try {
      one[0] = co_await caller_.call(target, sizes[0], deadline);
    } catch (...) {
      failed = std::current_exception();
    }
    if (failed) {
      const std::string what = exception_text(failed);
      spdlog::error("provider_call_exception job={} provider={} error=\"{}\"", job.job_id,
                    entry.family->name(), what);
      one[0] = CallOutcome{};
      one[0].failed = sizes[0];
      one[0].last_error = "internal: " + what;
    }
    co_return one;
  }
  std::vector<asio::awaitable<CallOutcome>> calls;
  for (int n : sizes) {
    const CallTarget target{*entry.family, entry.endpoint, model, job, cancel};
    calls.push_back(caller_.call(target, n, deadline));
  }
  auto [outcomes, errors] = co_await lifecycle::when_all(std::move(calls));
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (!errors[i]) continue;
    // A bug, not an upstream failure: count the call's images as failed and say so loudly.
    const std::string what = exception_text(errors[i]);
    spdlog::error(
        "provider_call_exception job={} user={} model={} request_id={} provider={} error=\"{}\"",
        job.job_id, job.user_id, job.model, job.request_id, entry.family->name(), what);
    outcomes[i] = CallOutcome{};
    outcomes[i].failed = sizes[i];
    outcomes[i].last_error = "internal: " + what;
  }
  co_return std::move(outcomes);
}

// Stores all images at indexes 0..n-1, in one Storage::store_many call (local storage makes
// them durable with one group-commit wait for the job). If one fails, the images after it are
// stored again one index lower so results[] keeps "index i = position i" with no gaps (the
// stale higher-numbered copies are left behind; failures are rare and rewrites idempotent).
asio::awaitable<void> JobRunner::store_all(const JobSpec& job, std::string_view provider,
                                           const std::vector<const ValidImage*>& images,
                                           Clock::time_point deadline, Clock::time_point started,
                                           JobOutcome& out) {
  std::vector<ImageRef> pending;
  pending.reserve(images.size());
  for (const ValidImage* image : images) pending.push_back(ImageRef{&image->image, &image->info});
  while (!pending.empty()) {
    const int base = out.delivered();
    std::vector<Result<std::string>> stored;
    try {
      stored =
          co_await storage_.store_many(job.user_id, job.job_id, base, pending, deadline, started);
    } catch (const std::exception& e) {  // a backend's bug: every image of the call failed
      stored.assign(pending.size(), make_error(Errc::kInternal, e.what()));
    }
    std::vector<ImageRef> redo;
    bool gap = false;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const bool ok = i < stored.size() && stored[i];
      metrics_.storage_write(ok ? "ok" : "error");
      if (!ok) {
        const std::string error =
            i < stored.size() ? stored[i].error().message : "no result from storage";
        spdlog::warn(
            "storage_write_failed job={} user={} model={} request_id={} index={} storage={} "
            "error=\"{}\"",
            job.job_id, job.user_id, job.model, job.request_id, base + static_cast<int>(i),
            storage_.name(), error);
        gap = true;
        ++out.failed;
        out.last_error = "storage: " + error;
      } else if (!gap) {
        out.stored_paths.push_back(std::move(*stored[i]));
        out.providers.emplace_back(provider);
      } else {
        redo.push_back(pending[i]);
      }
    }
    pending = std::move(redo);
  }
}

asio::awaitable<JobOutcome> JobRunner::run_job(const JobSpec& job, const ModelInfo& model,
                                               std::shared_ptr<CancelToken> cancel) {
  const auto started = Clock::now();
  JobOutcome out;
  const ProviderEntry* entry = providers_.find(model.provider);
  if (entry == nullptr) {
    out.failed = job.count;
    out.last_error = "no provider family '" + model.provider + "' in this worker";
    spdlog::error("job_unroutable job={} user={} model={} request_id={} provider={}", job.job_id,
                  job.user_id, model.key, job.request_id, model.provider);
    metrics_.images(model.key, "failed", out.failed);
    co_return out;
  }

  const Clock::time_point deadline = deadline_for(job);
  std::vector<CallOutcome> calls = co_await call_all(*entry, model, job, deadline, cancel);
  std::vector<const ValidImage*> images;
  for (const CallOutcome& c : calls) {
    for (const ValidImage& img : c.images) images.push_back(&img);
    out.failed += c.failed;
    out.blocked += c.blocked;
    if (!c.last_error.empty()) out.last_error = c.last_error;
  }
  if (cancel && cancel->cancelled()) {
    // Nobody will see these results: the cancel settles the job and its credits.
    out.cancelled = true;
    out.failed += static_cast<int>(images.size());
    out.last_error = "cancelled: job cancelled";
  } else {
    const auto store_started = Clock::now();
    co_await store_all(job, entry->family->name(), images, deadline, started, out);
    if (!images.empty()) metrics_.job_step("store", Clock::now() - store_started);
  }

  metrics_.images(model.key, "delivered", out.delivered());
  metrics_.images(model.key, "failed", out.failed);
  metrics_.images(model.key, "blocked", out.blocked);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  spdlog::info(
      "job_run_finished job={} user={} model={} request_id={} provider={} status={} delivered={} "
      "failed={} blocked={} ms={}",
      job.job_id, job.user_id, model.key, job.request_id, entry->family->name(), out.status(),
      out.delivered(), out.failed, out.blocked, took.count());
  co_return out;
}

}  // namespace imagegen::worker
