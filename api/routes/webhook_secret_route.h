#pragma once
// GET /api/v1/webhooks/secret: the caller's webhook signing secret {"key":"whsec_..."}, made on
// first use (the same script the worker and imagegen-admin use, so there is only ever one).
#include <boost/asio/awaitable.hpp>

#include "api/api_context.h"
#include "api/api_types.h"

namespace imagegen::api {

boost::asio::awaitable<ApiResponse> webhook_secret(ApiContext& ctx, const ApiRequest& request);

}  // namespace imagegen::api
