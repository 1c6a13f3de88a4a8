#pragma once
// GET /api/v1/jobs/{id} and POST /api/v1/jobs/{id}/cancel: owner only; another user's job and
// an unknown id are the same 404.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "api/api_context.h"
#include "api/api_types.h"

namespace imagegen::api {

boost::asio::awaitable<ApiResponse> get_job(ApiContext& ctx, const ApiRequest& request,
                                            std::string_view job_id);

// A queued or running job is settled `cancelled` (its hold refunded, the worker told to stop);
// a final one is 409 JOB_ALREADY_FINISHED.
boost::asio::awaitable<ApiResponse> cancel_job(ApiContext& ctx, const ApiRequest& request,
                                               std::string_view job_id);

}  // namespace imagegen::api
