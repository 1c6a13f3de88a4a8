#pragma once
// IMAGEGEN_STORAGE=supabase: uploads through the Supabase Storage REST API with the worker's
// HttpClient (no extra threads). `POST {url}/storage/v1/object/{bucket}/{path}` with the
// service-role key and `x-upsert: true`, so storing the same (user, job, index) again replaces
// the object. 5xx, 429 and network failures are retried with backoff (retry_policy), bounded.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "worker/http_client.h"
#include "worker/retry_policy.h"
#include "worker/storage.h"

namespace imagegen::worker {

struct SupabaseStorageOptions {
  SupabaseSettings settings;
  RetryPolicy retry{4, std::chrono::milliseconds(200), std::chrono::milliseconds(3000),
                    std::chrono::milliseconds(100)};
  std::chrono::milliseconds attempt_timeout{30'000};  // one upload
  // All attempts of one image, and never past the job's deadline (see store).
  std::chrono::milliseconds total_timeout{90'000};
};

// The upload request for one object (pure; the key goes in two headers, never in logs).
HttpRequest supabase_upload_request(const SupabaseSettings& settings, std::string_view object,
                                    std::string_view mime, std::string body);

class SupabaseStorage final : public Storage {
 public:
  using Random = std::function<double()>;  // uniform in [0, 1), for backoff jitter
  // `http` must outlive this object and run on the caller's io_context.
  SupabaseStorage(HttpClient& http, SupabaseStorageOptions options, Random random = nullptr);

  std::string_view name() const override { return "supabase"; }
  // See Storage::store. Bounded by min(now + total_timeout, deadline). Fails with kUnavailable
  // when Supabase refuses the upload (4xx other than 408/429) or every retry failed in time,
  // kTimeout when the bound has passed before an upload could start.
  boost::asio::awaitable<Result<std::string>> store(
      const std::string& user_id, const std::string& job_id, int index, const GeneratedImage& image,
      const image::ImageInfo& info, std::chrono::steady_clock::time_point deadline,
      std::chrono::steady_clock::time_point job_started) override;

 private:
  HttpClient& http_;
  SupabaseStorageOptions options_;
  Random random_;
};

}  // namespace imagegen::worker
