#pragma once
// GET /api/v1/files/{filePath}: a stored image, to its owner only. Local storage: the bytes,
// with ETag / If-None-Match (304) and a single Range (206, 416 when unsatisfiable). Supabase
// Storage: 302 to a short-lived signed URL. Another user's file and unknown paths are 404.
#include <boost/asio/awaitable.hpp>
#include <string_view>

#include "api/api_context.h"
#include "api/api_types.h"

namespace imagegen::api {

boost::asio::awaitable<ApiResponse> get_file(ApiContext& ctx, const ApiRequest& request,
                                             std::string_view file_path);

}  // namespace imagegen::api
