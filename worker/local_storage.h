#pragma once
// IMAGEGEN_STORAGE=local:DIR. Each image is handed to the next group commit: its helper thread
// writes it, publishes it complete at its path, then makes it and every other image of the pass
// durable with one syncfs of the storage filesystem. The io threads never touch the filesystem,
// so a slow sync cannot stall them (group_commit.h). store() returns only once the image is
// durable, so a job settled after it never names a file a crash could lose.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "worker/group_commit.h"
#include "worker/storage.h"

namespace imagegen::worker {

// Blocking: creates missing parent folders (only when the open says they are missing) and
// publishes `bytes` at `path` whole: readers see no file, the old file or the new one, never
// half of one. On Linux the bytes go into an unnamed O_TMPFILE inode linked at `path`; where
// that is not available, or `path` exists already (a retried job), into a unique temp file
// renamed over it. Not durable by itself: see GroupCommit.
// kUnavailable on any filesystem error (nothing is left behind).
Result<Ok> write_file_atomically(const std::string& path, std::string_view bytes);

class LocalStorage final : public Storage {
 public:
  // Creates `root` if missing. Thread-safe: one instance serves every worker thread.
  // `on_pass` sees every group-commit pass (for the sync metrics); see GroupCommit.
  explicit LocalStorage(std::filesystem::path root,
                        std::function<void(const GroupCommitPass&)> on_pass = {});
  // Waits for the last group commit (waiters still queued are completed on their executors).
  ~LocalStorage() override;

  std::string_view name() const override { return "local"; }
  // See Storage::store. Runs write_file_atomically on the group commit's helper thread, resumes
  // on the caller's executor.
  // A local write does not wait on anything remote, so the deadline is not consulted.
  boost::asio::awaitable<Result<std::string>> store(
      const std::string& user_id, const std::string& job_id, int index, const GeneratedImage& image,
      const image::ImageInfo& info, std::chrono::steady_clock::time_point deadline,
      std::chrono::steady_clock::time_point job_started) override;
  // See Storage::store_many: all of the images are handed to one group-commit pass as one
  // writer, written on its helper thread and made durable by one sync.
  boost::asio::awaitable<std::vector<Result<std::string>>> store_many(
      const std::string& user_id, const std::string& job_id, int first_index,
      const std::vector<ImageRef>& images, std::chrono::steady_clock::time_point deadline,
      std::chrono::steady_clock::time_point job_started) override;
  const std::filesystem::path& root() const { return root_; }
  std::uint64_t sync_passes() const { return commit_->passes(); }

 private:
  Result<Ok> sync_all() const;

  std::filesystem::path root_;
  std::string root_prefix_;  // root_ and a '/': a file's path is this plus its object path
  int root_fd_ = -1;         // any fd on the filesystem names it for syncfs
  std::unique_ptr<GroupCommit> commit_;
};

}  // namespace imagegen::worker
