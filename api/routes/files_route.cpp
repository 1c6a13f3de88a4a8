#include "api/routes/files_route.h"

#include "api/caller.h"
#include "api/file_request.h"
#include "api/file_source.h"
#include "api/responses.h"
#include "api/routes/http_cache.h"

namespace imagegen::api {

namespace asio = boost::asio;

namespace {
ApiResponse not_found() { return error_response(404, "File not found"); }

void cache_headers(ApiResponse& r, const std::string& etag) {
  r.headers.emplace_back("ETag", etag);
  // The owner's token is needed to read it: shared caches must not keep it.
  r.headers.emplace_back("Cache-Control", "private, max-age=86400");
  r.headers.emplace_back("Accept-Ranges", "bytes");
}
}  // namespace

asio::awaitable<ApiResponse> get_file(ApiContext& ctx, const ApiRequest& request,
                                      std::string_view file_path) {
  auto who = co_await authenticate_caller(ctx, request);
  if (auto* r = std::get_if<ApiResponse>(&who)) co_return std::move(*r);
  const auto& user = std::get<std::string>(who);
  // Validated before anything is built from it: traversal and encodings never reach the disk.
  auto file = parse_file_path(file_path);
  if (!file || file->user_id != user) co_return not_found();

  if (ctx.config.storage == "supabase") {
    auto url = co_await sign_supabase_url(ctx.config, file->relative_path);
    if (!url) {
      if (url.error().code == Errc::kNotFound) co_return not_found();
      co_return unavailable("Storage temporarily unavailable", 2);
    }
    ApiResponse r{302, "", {}};
    r.content_type = "text/plain";
    r.headers.emplace_back("Location", url.value());
    r.headers.emplace_back("Cache-Control", "private, no-store");
    co_return r;
  }

  const std::string root = ctx.config.storage.substr(std::string_view("local:").size());
  FileRead read = co_await read_stored_file(root, file->relative_path);
  if (!read.found) co_return not_found();
  const std::string etag = make_etag(read.size, read.mtime_ns);
  if (!request.if_none_match.empty() && etag_matches(request.if_none_match, etag)) {
    ApiResponse r{304, "", {}};
    r.content_type = file->content_type;
    cache_headers(r, etag);
    co_return r;
  }
  const RangeRequest range = parse_range(request.range, read.size);
  ApiResponse r{200, std::move(read.bytes), {}};
  r.content_type = file->content_type;
  cache_headers(r, etag);
  if (range.kind == RangeRequest::Kind::kUnsatisfiable) {
    ApiResponse refused = error_response(416, "Range not satisfiable");
    refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(read.size));
    co_return refused;
  }
  if (range.kind == RangeRequest::Kind::kPartial) {
    r.status = 206;
    // In place: the image is not copied a second time for its slice.
    r.body.resize(range.range.last + 1);
    r.body.erase(0, range.range.first);
    r.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.range.first) + "-" +
                                                std::to_string(range.range.last) + "/" +
                                                std::to_string(read.size));
  }
  co_return r;
}

}  // namespace imagegen::api
