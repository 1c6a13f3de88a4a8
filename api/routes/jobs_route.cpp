#include "api/routes/jobs_route.h"

#include "api/caller.h"
#include "api/job_store.h"
#include "api/responses.h"
#include "common/clock.h"
#include "common/protocol/job_status.h"
#include "common/protocol/job_view.h"

namespace imagegen::api {

namespace asio = boost::asio;

namespace {
// The job's hash if it belongs to `user`; a 404 or 503 otherwise.
asio::awaitable<std::variant<JobFields, ApiResponse>> owned_job(ApiContext& ctx,
                                                                const std::string& user,
                                                                std::string_view job_id) {
  if (!is_job_id(job_id)) co_return job_not_found();
  auto job = co_await read_job(ctx, job_id);
  if (!job) co_return unavailable("Service temporarily unavailable", 1);
  if (job->empty() || (*job)["user"] != user) co_return job_not_found();
  co_return std::move(job.value());
}
}  // namespace

asio::awaitable<ApiResponse> get_job(ApiContext& ctx, const ApiRequest& request,
                                     std::string_view job_id) {
  auto who = co_await authenticate_caller(ctx, request);
  if (auto* r = std::get_if<ApiResponse>(&who)) co_return std::move(*r);
  const auto& user = std::get<std::string>(who);
  auto job = co_await owned_job(ctx, user, job_id);
  if (auto* r = std::get_if<ApiResponse>(&job)) co_return std::move(*r);
  ApiResponse res{200, protocol::job_body(job_id, std::get<JobFields>(job), ctx.catalog), {}};
  res.user_id = user;
  res.job_id = job_id;
  co_return res;
}

asio::awaitable<ApiResponse> cancel_job(ApiContext& ctx, const ApiRequest& request,
                                        std::string_view job_id) {
  auto who = co_await authenticate_caller(ctx, request);
  if (auto* r = std::get_if<ApiResponse>(&who)) co_return std::move(*r);
  const auto& user = std::get<std::string>(who);
  if (!is_job_id(job_id)) co_return job_not_found();
  protocol::SettleArgs args;
  args.job_id = job_id;
  args.status = protocol::kCancelled;
  args.error = "cancelled by the client";
  args.now_ms = now_ms();
  args.owner = user;  // another user's job looks missing
  auto settled = co_await settle(ctx, args);
  if (!settled) co_return unavailable("Service temporarily unavailable", 1);
  using Outcome = protocol::SettleReply::Outcome;
  if (settled->outcome == Outcome::kMissing) co_return job_not_found();
  if (settled->outcome == Outcome::kAlreadyFinal) {
    co_return job_already_finished(settled->completion.status);
  }
  auto job = co_await read_job(ctx, job_id);
  if (!job) co_return unavailable("Service temporarily unavailable", 1);
  const auto& fields = job.value();
  auto model = fields.find("model");
  auto held = fields.find("refunded");
  ctx.metrics.job_settled(model == fields.end() ? "" : model->second, protocol::kCancelled, 0,
                          held == fields.end() ? 0 : std::atoll(held->second.c_str()));
  ApiResponse res{200, protocol::job_body(job_id, fields, ctx.catalog), {}};
  res.user_id = user;
  res.job_id = job_id;
  co_return res;
}

}  // namespace imagegen::api
