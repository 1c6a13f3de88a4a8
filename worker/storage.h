#pragma once
// Where delivered images go. Two backends share this interface: local disk and Supabase Storage
// (HTTP upload through HttpClient). Object names are fixed by the API contract (docs/api.md,
// "filePath"): {userId}/generated/generated_{jobId}_{index}.{png|jpg|webp}, relative to the root or
// bucket.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/image/image_probe.h"
#include "common/result.h"
#include "worker/providers/provider.h"

namespace imagegen::worker {

class HttpClient;

// One image of a job for Storage::store_many: its bytes and what they really are.
struct ImageRef {
  const GeneratedImage* image;
  const image::ImageInfo* info;
};

class Storage {
 public:
  virtual ~Storage() = default;
  virtual std::string_view name() const = 0;  // "local", "supabase"

  // Stores `image` (already probed: `info` says its real format) as image number `index` of the
  // job and returns the object path (relative, as in the 200 body's filePath).
  // Idempotent: storing the same (user, job, index) again replaces the object, so a retried job
  // never leaves duplicates. Readers never see a half-written object.
  // Fails with kInvalidArgument for ids that are not safe path segments, kUnavailable when the
  // backend refuses the write, kTimeout when `deadline` (the job's) passes first: a backend that
  // waits on the network never waits past it. `job_started` (when this worker took the job) lets a
  // backend that batches writes (local storage's group commit) hold a fast job's image for
  // company only a fraction of the job's own time. Completes on the caller's executor.
  // `image` must stay alive until the returned awaitable completes.
  virtual boost::asio::awaitable<Result<std::string>> store(
      const std::string& user_id, const std::string& job_id, int index, const GeneratedImage& image,
      const image::ImageInfo& info, std::chrono::steady_clock::time_point deadline,
      std::chrono::steady_clock::time_point job_started) = 0;

  // Stores images[i] as image number first_index + i of the job: one result per image, in
  // order, each as store() gives it (an exception in one store is its image's kInternal).
  // A backend that batches writes overrides it to make a job's images durable with one wait
  // for all of them (local storage: one group-commit writer per job, not one per image). This
  // default runs store() for each image concurrently. What `images` points to must stay alive
  // until the returned awaitable completes.
  virtual boost::asio::awaitable<std::vector<Result<std::string>>> store_many(
      const std::string& user_id, const std::string& job_id, int first_index,
      const std::vector<ImageRef>& images, std::chrono::steady_clock::time_point deadline,
      std::chrono::steady_clock::time_point job_started);
};

// The object path for one image; kInvalidArgument when an id is empty, too long, or holds
// anything but [A-Za-z0-9._-] (no '/', no "..": ids must never escape their folder).
Result<std::string> object_path(std::string_view user_id, std::string_view job_id, int index,
                                std::string_view ext);

// Where IMAGEGEN_STORAGE=supabase uploads: SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY,
// IMAGEGEN_SUPABASE_BUCKET.
struct SupabaseSettings {
  std::string url;          // https://<project>.supabase.co (no trailing slash needed)
  std::string service_key;  // never logged
  std::string bucket;
};

// Builds the backend named by IMAGEGEN_STORAGE: "local:DIR" or "supabase" (which needs all three
// settings, else kInvalidArgument). `http` is for HTTP backends and must outlive the result.
Result<std::unique_ptr<Storage>> make_storage(std::string_view spec, HttpClient& http,
                                              const SupabaseSettings& supabase = {});

}  // namespace imagegen::worker
