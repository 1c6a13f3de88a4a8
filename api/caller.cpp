#include "api/caller.h"

#include "api/auth.h"
#include "api/job_store.h"
#include "api/responses.h"
#include "common/clock.h"

namespace imagegen::api {

boost::asio::awaitable<std::variant<std::string, ApiResponse>> authenticate_caller(
    ApiContext& ctx, const ApiRequest& request) {
  auto credential =
      authenticate_header(request.authorization, ctx.config.jwt_secret, unix_seconds());
  if (!credential) co_return unauthorized();
  auto user = co_await resolve_user(ctx, *credential);
  if (!user) co_return unavailable("Service temporarily unavailable", 1);
  if (!user.value()) co_return unauthorized();
  co_return std::move(*user.value());
}

}  // namespace imagegen::api
