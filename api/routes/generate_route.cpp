#include "api/routes/generate_route.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/admission.h"
#include "api/auth.h"
#include "api/job_store.h"
#include "api/prefer.h"
#include "api/request_validation.h"
#include "api/responses.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/protocol/job_status.h"
#include "common/redis_keys.h"

namespace imagegen::api {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {
// How long this request waits for its job: the seed's bound, or min(wait=N, that bound), or
// nothing for respond-async.
milliseconds wait_bound(const Preferences& p, const ApiConfig& c) {
  if (p.synchronous()) return milliseconds(c.wait_timeout_ms);
  if (p.wait_s) return std::min(milliseconds(*p.wait_s * 1000), milliseconds(c.wait_timeout_ms));
  return milliseconds(0);
}

// The job's own status for a 202 ("queued" or "running").
asio::awaitable<std::string> current_status(ApiContext& ctx, const std::string& job_id) {
  auto job = co_await read_job(ctx, job_id);
  if (job && job->count("status")) co_return job->at("status");
  co_return std::string(protocol::kQueued);
}

// A retry with a known Idempotency-Key: the first request's outcome, never a second job. Its
// completion message went to the first request's instance, so this polls the job hash, bounded
// by this request's own wait.
asio::awaitable<ApiResponse> replay(ApiContext& ctx, const std::string& job_id,
                                    const Preferences& prefs, Clock::time_point deadline) {
  asio::steady_timer timer(ctx.ioc);
  for (;;) {
    if (auto final = co_await read_final(ctx, job_id)) {
      auto job = co_await read_job(ctx, job_id);
      if (!job) co_return unavailable("Service temporarily unavailable", 1);
      const ModelInfo* model = ctx.catalog.find((*job)["model"]);
      auto count = parse_int((*job)["count"], 1, 4);
      co_return completion_response(*final, model, (*job)["prompt"], count ? int(*count) : 1);
    }
    if (Clock::now() + milliseconds(50) >= deadline) {
      if (prefs.synchronous()) co_return idempotency_in_progress(job_id);
      co_return accepted(job_id, co_await current_status(ctx, job_id), prefs.applied());
    }
    timer.expires_after(milliseconds(50));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

// A synchronous wait ran out (or its message was lost): settle as expired unless the worker won.
asio::awaitable<ApiResponse> expire_or_collect(ApiContext& ctx, const JobSpec& job,
                                               const ModelInfo& model) {
  protocol::SettleArgs args;
  args.job_id = job.job_id;
  args.status = protocol::kExpired;
  args.error = "timed out waiting for the provider";
  args.now_ms = now_ms();
  auto settled = co_await settle(ctx, args);
  if (!settled || settled->outcome == protocol::SettleReply::Outcome::kMissing) {
    // Redis is away: the worker (or the deadline sweeper) settles the job after its deadline.
    ctx.metrics.redis_error("expire");
    co_return timed_out(job.job_id);
  }
  if (settled->outcome == protocol::SettleReply::Outcome::kSettled) {
    const std::int64_t charged = settled->completion.charged;
    ctx.metrics.job_settled(model.key, protocol::kExpired, charged,
                            job.cost_per_image * job.count - charged);
  }
  co_return completion_response(settled->completion, &model, job.prompt, job.count);
}

// The admitted job: answer now (respond-async), when it settles, or when this request's wait
// runs out (synchronous: expire it; wait=N: 202 and the job goes on).
asio::awaitable<ApiResponse> wait_for_job(ApiContext& ctx, JobWaiters::Waiter& waiter,
                                          const JobSpec& job, const ModelInfo& model,
                                          const Preferences& prefs) {
  if (!prefs.synchronous() && !prefs.wait_s.value_or(0)) {
    co_return accepted(job.job_id, protocol::kQueued, prefs.applied());
  }
  ctx.metrics.waiting_delta(1);
  if (!waiter.result) co_await waiter.timer.async_wait(asio::as_tuple(asio::use_awaitable));
  ctx.metrics.waiting_delta(-1);
  std::optional<protocol::Completion> done = waiter.result;
  if (!done && !prefs.synchronous()) done = co_await read_final(ctx, job.job_id);
  if (done) {
    ApiResponse r = completion_response(*done, &model, job.prompt, job.count);
    if (!prefs.synchronous()) r.headers.emplace_back("Preference-Applied", prefs.applied());
    co_return r;
  }
  if (prefs.synchronous()) co_return co_await expire_or_collect(ctx, job, model);
  co_return accepted(job.job_id, co_await current_status(ctx, job.job_id), prefs.applied());
}
}  // namespace

asio::awaitable<ApiResponse> generate_image(ApiContext& ctx, ApiRequest request) {
  const std::int64_t now = now_ms();
  // 1. The token's shape and any JWT are checked locally: no Redis for junk.
  auto credential = authenticate_header(request.authorization, ctx.config.jwt_secret, now / 1000);
  if (!credential) {
    ctx.metrics.refused("unauthorized", "");
    co_return unauthorized();
  }
  if (auto refused = check_generate_headers(request)) co_return std::move(*refused);
  // 2. The body, first bad field named.
  auto validated = validate_generate_request(
      request.body, ctx.catalog, {ctx.config.max_prompt_chars, ctx.config.webhook_allow_private});
  if (auto* err = std::get_if<RequestError>(&validated)) {
    ctx.metrics.refused("invalid", "");
    co_return to_response(*err);
  }
  const GenerateRequest& req = std::get<GenerateRequest>(validated);
  const ModelInfo& model = *req.model;
  const Preferences prefs = parse_prefer(request.prefer);

  AdmissionInput in{*credential,
                    req,
                    ctx.config,
                    now,
                    crypto::random_hex(12),
                    ctx.reply_channel,
                    request.request_id,
                    request.idempotency_key,
                    request.idempotency_key.empty() ? "" : crypto::sha256_hex(request.body),
                    !prefs.synchronous(),
                    ctx.served.vouches_for(model.provider, now)};
  protocol::AdmitArgs args = plan_admission(in);
  const JobSpec& job = args.job;

  // Registered before admission: the completion can arrive before the admission reply.
  const auto deadline = Clock::now() + wait_bound(prefs, ctx.config);
  auto waiter = ctx.waiters.add(job.job_id, deadline);
  struct Unregister {
    JobWaiters& w;
    const std::string& id;
    ~Unregister() { w.remove(id); }
  } unregister{ctx.waiters, job.job_id};

  // 3. One script: key -> user, tier, availability, rate, depth, credits, hold, job, stream.
  auto reply = co_await ctx.admit.run(*ctx.redis, protocol::admit_argv(args), ctx.redis_timeout());
  auto verdict =
      reply && !reply->is_error()
          ? protocol::decode_admit_reply(reply->strings())
          : Result<protocol::AdmitReply>(make_error(Errc::kUnavailable, "admission failed"));
  if (!verdict) {
    ctx.metrics.redis_error("admit");
    spdlog::warn("admission failed: {}", reply ? reply->as_string() : reply.error().message);
    co_return unavailable("Service temporarily unavailable", 1);
  }
  ApiResponse answer;
  if (verdict->verdict == protocol::AdmitVerdict::kIdempotentReplay) {
    answer = co_await replay(ctx, verdict->replay_job_id, prefs, deadline);
    answer.job_id = verdict->replay_job_id;
  } else if (verdict->verdict != protocol::AdmitVerdict::kAdmitted) {
    ctx.metrics.refused(admit_verdict_name(verdict->verdict), model.key);
    answer = admission_refused(*verdict, model, req.total_cost());
  } else {
    ctx.metrics.credits_reserved(req.total_cost());
    answer = co_await wait_for_job(ctx, *waiter, job, model, prefs);
    answer.job_id = job.job_id;
  }
  answer.user_id = verdict->user_id;
  answer.model = model.key;
  co_return answer;
}

}  // namespace imagegen::api
