#include "worker/supabase_storage.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/backoff.h"
#include "worker/providers/http_headers.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

HttpRequest supabase_upload_request(const SupabaseSettings& settings, std::string_view object,
                                    std::string_view mime, std::string body) {
  HttpRequest req;
  req.method = "POST";
  req.url = settings.url + "/storage/v1/object/" + settings.bucket + "/" + std::string(object);
  req.headers = {{"Authorization", "Bearer " + settings.service_key},
                 {"apikey", settings.service_key},
                 {"Content-Type", std::string(mime)},
                 {"x-upsert", "true"}};
  req.body = std::move(body);
  return req;
}

SupabaseStorage::SupabaseStorage(HttpClient& http, SupabaseStorageOptions options, Random random)
    : http_(http), options_(std::move(options)), random_(std::move(random)) {
  while (!options_.settings.url.empty() && options_.settings.url.back() == '/') {
    options_.settings.url.pop_back();
  }
  if (!random_) random_ = unit_random;
}

asio::awaitable<Result<std::string>> SupabaseStorage::store(
    const std::string& user_id, const std::string& job_id, int index, const GeneratedImage& image,
    const image::ImageInfo& info, SteadyClock::time_point job_deadline, SteadyClock::time_point) {
  auto object = object_path(user_id, job_id, index, info.ext);
  if (!object) co_return object.error();
  const auto deadline = std::min(SteadyClock::now() + options_.total_timeout, job_deadline);
  for (int attempt = 1;; ++attempt) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
    if (left <= milliseconds::zero()) {
      co_return make_error(Errc::kTimeout, "supabase upload: the job's deadline has passed");
    }
    const milliseconds timeout = std::min(left, options_.attempt_timeout);
    HttpRequest req = supabase_upload_request(options_.settings, *object, info.mime, image.bytes);
    Result<HttpResponse> resp = co_await http_.fetch(std::move(req), timeout);
    ProviderErrorKind kind;
    std::optional<milliseconds> retry_after;
    std::string problem;
    if (!resp) {
      kind = kind_for_transport(resp.error().code);
      problem = resp.error().message;
    } else if (resp->status >= 200 && resp->status <= 299) {
      co_return std::move(*object);
    } else {
      kind = kind_for_status(resp->status);
      retry_after = retry_after_from(*resp, std::chrono::system_clock::now());
      problem = "HTTP " + std::to_string(resp->status) + ": " + clip_message(resp->body, 200);
    }
    const auto time_left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now());
    const RetryDecision decision =
        decide_retry(kind, retry_after, attempt, time_left, random_(), options_.retry);
    spdlog::warn(
        "supabase_upload_failed job={} user={} index={} attempt={} kind={} decision={} "
        "delay_ms={} error=\"{}\"",
        job_id, user_id, index, attempt, provider_error_kind_name(kind), decision.reason,
        decision.delay.count(), problem);
    if (!decision.retry) {
      co_return make_error(Errc::kUnavailable, "supabase upload failed: " + problem);
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, decision.delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace imagegen::worker
