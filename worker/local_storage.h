#pragma once
// IMAGEGEN_STORAGE=local:DIR. Files are written on a small thread pool so the io thread never
// waits on the disk; each write goes to a temp file that is then renamed into place.
#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <string_view>

#include "worker/storage.h"

namespace imagegen::worker {

// Blocking: creates missing parent folders, writes `bytes` to a unique temp file beside `path`,
// fsyncs it and renames it over `path` (atomic on POSIX: readers see old or new, never half).
// kUnavailable on any filesystem error (the temp file is removed).
Result<Ok> write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

class LocalStorage final : public Storage {
 public:
  explicit LocalStorage(std::filesystem::path root, std::size_t threads = 2);
  // Waits for every queued write to finish (their completions are posted to the callers'
  // executors, which resume them only if still running).
  ~LocalStorage() override;

  std::string_view name() const override { return "local"; }
  // See Storage::store. Runs write_file_atomically on the pool, resumes on the caller's executor.
  // A local write does not wait on anything remote, so the deadline is not consulted.
  boost::asio::awaitable<Result<std::string>> store(
      const std::string& user_id, const std::string& job_id, int index, const GeneratedImage& image,
      const image::ImageInfo& info, std::chrono::steady_clock::time_point deadline) override;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
  boost::asio::thread_pool pool_;
};

}  // namespace imagegen::worker
