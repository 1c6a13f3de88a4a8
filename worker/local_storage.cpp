#include "worker/local_storage.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace imagegen::worker {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& p, int err) {
  return make_error(Errc::kUnavailable, what + " " + p.string() + ": " + std::strerror(err));
}

// A name no other writer (thread, process, retry) uses at the same time.
std::string temp_name_for(const std::filesystem::path& path) {
  static std::atomic<std::uint64_t> counter{0};
  static const std::string pid = std::to_string(::getpid());
  std::string tmp = path.native();
  tmp.append(".tmp.").append(pid).append(".").append(std::to_string(counter.fetch_add(1)));
  return tmp;
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

int open_new(const std::string& tmp) {
  return ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
}

}  // namespace

Result<Ok> write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::string tmp = temp_name_for(path);
  int fd = open_new(tmp);
  if (fd < 0 && errno == ENOENT) {
    // First image of this user: one mkdir pass, instead of a stat per image.
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
      return make_error(Errc::kUnavailable,
                        "create " + path.parent_path().string() + ": " + ec.message());
    fd = open_new(tmp);
  }
  if (fd < 0) return io_error("open", tmp, errno);
  auto written = write_all(fd, bytes);
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return make_error(Errc::kUnavailable, "write " + tmp + ": " + written.error().message);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return io_error("rename to", path, err);
  }
  return Ok{};
}

LocalStorage::LocalStorage(std::filesystem::path root) : root_(std::move(root)) {
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  root_fd_ = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  // One pass makes every file written before it durable, data and renames alike: syncfs
  // flushes the whole filesystem with one journal commit, where an fdatasync per file would
  // pay a device flush per image.
  commit_ = std::make_unique<GroupCommit>([this] { return sync_all(); });
}

LocalStorage::~LocalStorage() {
  commit_.reset();
  if (root_fd_ >= 0) ::close(root_fd_);
}

Result<Ok> LocalStorage::sync_all() const {
  if (root_fd_ < 0) {
    ::sync();  // the root could not be opened at start: the big hammer still keeps the promise
    return Ok{};
  }
  if (::syncfs(root_fd_) != 0) return io_error("syncfs", root_, errno);
  return Ok{};
}

boost::asio::awaitable<Result<std::string>> LocalStorage::store(
    const std::string& user_id, const std::string& job_id, int index, const GeneratedImage& image,
    const image::ImageInfo& info, std::chrono::steady_clock::time_point) {
  auto rel = object_path(user_id, job_id, index, info.ext);
  if (!rel) co_return rel.error();
  Result<Ok> written = make_error(Errc::kInternal, "not written");
  try {
    written = write_file_atomically(root_ / *rel, image.bytes);
  } catch (const std::exception& e) {  // bad_alloc and friends
    written = make_error(Errc::kInternal, e.what());
  }
  if (!written) co_return written.error();
  auto synced = co_await commit_->durable();
  if (!synced) co_return synced.error();
  co_return std::move(*rel);
}

}  // namespace imagegen::worker
