#pragma once
// POST /api/v1/generate-image: authenticate, validate, admit (one script), then wait for the
// job as the Prefer header asks: synchronously (the seed's contract), up to wait=N seconds, or
// not at all (respond-async).
#include <boost/asio/awaitable.hpp>

#include "api/api_context.h"
#include "api/api_types.h"

namespace imagegen::api {

boost::asio::awaitable<ApiResponse> generate_image(ApiContext& ctx, ApiRequest request);

}  // namespace imagegen::api
