#include "api/api_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdlib>

#include "api/job_store.h"
#include "api/responses.h"
#include "api/routes/files_route.h"
#include "api/routes/generate_route.h"
#include "api/routes/jobs_route.h"
#include "api/routes/models_route.h"
#include "api/routes/static_assets.h"
#include "api/routes/webhook_secret_route.h"
#include "common/clock.h"
#include "common/lifecycle/spawn.h"
#include "common/redis_keys.h"

namespace imagegen::api {

namespace asio = boost::asio;

ApiService::ApiService(asio::io_context& ioc, const ApiConfig& config, const Catalog& catalog,
                       ApiMetrics& metrics, int thread_index)
    : ctx_(ioc, config, catalog, metrics, config.instance_id + "-" + std::to_string(thread_index)),
      served_timer_(ioc) {}

void ApiService::start() {
  auto url = redis::parse_redis_url(ctx_.config.redis_url);
  if (!url) throw std::runtime_error(url.error().message);
  redis::RedisConfig rc;
  rc.url = *url;
  rc.name = "api-commands";
  ctx_.redis = redis::Connection::create(ctx_.ioc, rc);
  rc.name = "api-subscriber";
  ctx_.subscriber = redis::Subscriber::create(
      ctx_.ioc, rc, [this](std::string_view channel, std::string_view payload) {
        if (channel == keys::kServesChanged) {
          ctx_.served.clear();  // a worker withdrew: ADMIT counts again until the next reading
          return;
        }
        auto m = protocol::decode_completion(payload);
        if (!m) {
          spdlog::warn("ignoring a malformed completion message: {}", m.error().message);
          return;
        }
        ctx_.waiters.deliver(std::move(m.value()));
      });
  // A message published while the subscription was down is lost: re-read those jobs, and
  // forget which families were served (a withdrawal may have been missed).
  ctx_.subscriber->set_on_resubscribed([this] {
    ctx_.served.clear();
    lifecycle::spawn(ctx_.ioc, recheck_pending(), "re-reading pending jobs");
  });
  ctx_.subscriber->subscribe(keys::done_channel(ctx_.reply_channel));
  if (ctx_.config.require_worker) {
    ctx_.subscriber->subscribe(std::string(keys::kServesChanged));
    lifecycle::spawn(ctx_.ioc, poll_served_families(), "served families poll");
  }
  redis_watch_ = std::make_unique<RedisWatch>(ctx_.ioc, ctx_.metrics.redis());
  redis_watch_->watch(ctx_.reply_channel + "-commands", ctx_.redis.get());
  redis_watch_->start();
}

void ApiService::shutdown() {
  stopping_ = true;
  served_timer_.cancel();
  if (redis_watch_) redis_watch_->stop();
  ctx_.subscriber.reset();
  ctx_.redis.reset();
}

asio::awaitable<ApiResponse> ApiService::handle(ApiRequest request, RouteMatch route) {
  if (route.route == Route::kGenerate) return generate_image(ctx_, std::move(request));
  return handle_other(std::move(request), route);
}

asio::awaitable<ApiResponse> ApiService::handle_other(ApiRequest request, RouteMatch route) {
  switch (route.route) {
    case Route::kJob:
      co_return co_await get_job(ctx_, request, route.param(request.target));
    case Route::kJobCancel:
      co_return co_await cancel_job(ctx_, request, route.param(request.target));
    case Route::kFiles:
      co_return co_await get_file(ctx_, request, route.param(request.target));
    case Route::kModels:
      co_return co_await get_models(ctx_, request);
    case Route::kOpenApi:
    case Route::kPlayground:
      if (auto r = static_asset(request.target, request.if_none_match)) co_return std::move(*r);
      break;
    case Route::kWebhookSecret:
      co_return co_await webhook_secret(ctx_, request);
    case Route::kHealthz:
      co_return ApiResponse{200, R"({"status":"ok"})", {}};
    case Route::kReadyz:
      co_return co_await readyz();
    case Route::kMethodNotAllowed: {
      auto r = error_response(405, "Method not allowed");
      r.headers.emplace_back("Allow", std::string(route.allow));
      co_return r;
    }
    default:
      break;
  }
  co_return error_response(404, "Not found");
}

asio::awaitable<void> ApiService::recheck_pending() {
  for (const auto& id : ctx_.waiters.pending_ids()) {
    if (auto m = co_await read_final(ctx_, id)) ctx_.waiters.deliver(std::move(*m));
  }
}

asio::awaitable<void> ApiService::poll_served_families() {
  // Every family of the catalog, once a second: one command each, instead of one per request.
  std::vector<std::string> families;
  for (const auto& m : ctx_.catalog.models()) {
    if (std::find(families.begin(), families.end(), m.provider) == families.end())
      families.push_back(m.provider);
  }
  while (!stopping_) {
    for (const auto& family : families) {
      if (stopping_ || !ctx_.redis) co_return;
      const std::int64_t now = now_ms();
      // The advertisement that expires last, if any is still live.
      std::vector<std::string> cmd = {"ZREVRANGEBYSCORE",
                                      keys::serves(family),
                                      "+inf",
                                      "(" + std::to_string(now),
                                      "WITHSCORES",
                                      "LIMIT",
                                      "0",
                                      "1"};
      auto r = co_await ctx_.redis->command(std::move(cmd), ctx_.redis_timeout());
      if (!r || r->is_error()) {
        ctx_.served.clear();  // no reading: let the script count, as without the cache
        break;
      }
      std::int64_t until = 0;
      const auto& e = r->elements();
      if (e.size() >= 2)
        until = static_cast<std::int64_t>(std::strtod(e[1].as_string().c_str(), nullptr));
      ctx_.served.record(family, until, now);
    }
    served_timer_.expires_after(std::chrono::seconds(1));
    co_await served_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<ApiResponse> ApiService::readyz() {
  std::vector<std::string> args = {"PING"};
  auto pong = co_await ctx_.redis->command(std::move(args), std::chrono::milliseconds(500));
  if (!pong || pong->is_error() || !ctx_.subscriber->is_subscribed()) {
    co_return unavailable("Redis is not reachable", 1);
  }
  co_return ApiResponse{200, R"({"status":"ready"})", {}};
}

}  // namespace imagegen::api
