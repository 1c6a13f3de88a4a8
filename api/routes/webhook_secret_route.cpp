#include "api/routes/webhook_secret_route.h"

#include "api/responses.h"
#include "api/routes/jobs_route.h"
#include "common/json_writer.h"
#include "common/lua_scripts.h"
#include "common/redis_keys.h"
#include "common/webhook_scripts.h"
#include "common/webhook_signature.h"

namespace imagegen::api {

namespace asio = boost::asio;

asio::awaitable<ApiResponse> webhook_secret(ApiContext& ctx, const ApiRequest& request) {
  auto who = co_await request_user(ctx, request);
  if (auto* r = std::get_if<ApiResponse>(&who)) co_return std::move(*r);
  const auto& user = std::get<std::string>(who);
  static const redis::Script script(lua::with_prelude(lua::kWebhookSecret));
  auto reply =
      co_await script.run(*ctx.redis, keys::script_keys(), {user, webhook::new_webhook_secret()},
                          std::chrono::milliseconds(ctx.config.redis_timeout_ms));
  if (!reply || reply->is_error()) co_return unavailable("Service temporarily unavailable", 1);
  // A JWT may name a user that does not exist: it has no secret (and no credits) either.
  if (reply->is_nil()) co_return unauthorized();
  JsonWriter w;
  w.begin_object().field("key", reply->as_string()).end_object();
  ApiResponse res{200, w.take(), {}};
  res.user_id = user;
  co_return res;
}

}  // namespace imagegen::api
