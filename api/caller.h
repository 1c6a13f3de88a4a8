#pragma once
// Who is calling: the Bearer token checked locally, then (for an API key) its user looked up.
// The routes that read a user's own things (jobs, files, webhook secret) start here.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <variant>

#include "api/api_context.h"
#include "api/api_types.h"

namespace imagegen::api {

// The caller's user id, or the response that ends the request (401, or 503 without Redis).
boost::asio::awaitable<std::variant<std::string, ApiResponse>> authenticate_caller(
    ApiContext& ctx, const ApiRequest& request);

}  // namespace imagegen::api
