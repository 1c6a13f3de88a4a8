#include "api/routes/webhook_secret_route.h"

#include "api/caller.h"
#include "api/responses.h"
#include "common/json_writer.h"
#include "common/lua_scripts.h"
#include "common/redis_keys.h"
#include "common/webhook_scripts.h"
#include "common/webhook_signature.h"

namespace imagegen::api {

namespace asio = boost::asio;

namespace {
// Outside the coroutine: GCC 12 miscompiles some initializers inside coroutine bodies.
const redis::Script& secret_script() {
  static const redis::Script script(lua::with_prelude(lua::kWebhookSecret));
  return script;
}

std::string key_body(const std::string& secret) {
  JsonWriter w;
  w.begin_object().field("key", secret).end_object();
  return w.take();
}
}  // namespace

asio::awaitable<ApiResponse> webhook_secret(ApiContext& ctx, const ApiRequest& request) {
  auto who = co_await authenticate_caller(ctx, request);
  if (auto* r = std::get_if<ApiResponse>(&who)) co_return std::move(*r);
  const auto& user = std::get<std::string>(who);
  // The candidate is used only if the user has no secret yet.
  std::vector<std::string> args = {user, webhook::new_webhook_secret()};
  auto reply = co_await secret_script().run(*ctx.redis, std::move(args),
                                            std::chrono::milliseconds(ctx.config.redis_timeout_ms));
  if (!reply || reply->is_error()) co_return unavailable("Service temporarily unavailable", 1);
  // A JWT may name a user that does not exist: it has no secret (and no credits) either.
  if (reply->is_nil()) co_return unauthorized();
  ApiResponse res{200, key_body(reply->as_string()), {}};
  res.user_id = user;
  co_return res;
}

}  // namespace imagegen::api
