#include "worker/local_storage.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "worker/run_blocking.h"

namespace imagegen::worker {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& p, int err) {
  return make_error(Errc::kUnavailable, what + " " + p.string() + ": " + std::strerror(err));
}

// A name no other writer (thread, process, retry) uses at the same time.
std::filesystem::path temp_name_for(const std::filesystem::path& path) {
  static std::atomic<std::uint64_t> counter{0};
  return path.string() + ".tmp." + std::to_string(::getpid()) + "." +
         std::to_string(counter.fetch_add(1));
}

Result<Ok> write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(Errc::kUnavailable, std::strerror(errno));
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok{};
}

}  // namespace

Result<Ok> write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec)
    return make_error(Errc::kUnavailable,
                      "create " + path.parent_path().string() + ": " + ec.message());

  const std::filesystem::path tmp = temp_name_for(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("open", tmp, errno);
  auto written = write_all(fd, bytes);
  // fsync before rename: once the path is handed to the client the bytes must survive a crash.
  const bool synced = written && ::fsync(fd) == 0;
  const int sync_errno = errno;
  ::close(fd);
  if (!written || !synced) {
    ::unlink(tmp.c_str());
    return written ? io_error("fsync", tmp, sync_errno)
                   : make_error(Errc::kUnavailable,
                                "write " + tmp.string() + ": " + written.error().message);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return io_error("rename to", path, err);
  }
  return Ok{};
}

LocalStorage::LocalStorage(std::filesystem::path root, std::size_t threads)
    : root_(std::move(root)), pool_(threads) {}

LocalStorage::~LocalStorage() {
  // No stop(): writes already queued still reach the disk before the pool goes away.
  pool_.join();
}

boost::asio::awaitable<Result<std::string>> LocalStorage::store(
    const std::string& user_id, const std::string& job_id, int index, const GeneratedImage& image,
    const image::ImageInfo& info, std::chrono::steady_clock::time_point) {
  auto rel = object_path(user_id, job_id, index, info.ext);
  if (!rel) co_return rel.error();
  const std::filesystem::path full = root_ / *rel;
  const std::string_view bytes = image.bytes;
  auto write = [full, bytes] {
    try {
      return write_file_atomically(full, bytes);
    } catch (const std::exception& e) {  // bad_alloc and friends: keep the pool thread alive
      return Result<Ok>(make_error(Errc::kInternal, e.what()));
    }
  };
  // Named, then moved: GCC 12 destroys non-trivial temporaries inside a co_await expression
  // twice, so none are created there.
  auto written = co_await run_blocking(pool_, std::move(write));
  if (!written) co_return written.error();
  co_return std::move(*rel);
}

}  // namespace imagegen::worker
