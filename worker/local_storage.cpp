#include "worker/local_storage.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace imagegen::worker {
namespace {

Error io_error(const std::string& what, std::string_view p, int err) {
  return make_error(Errc::kUnavailable, what + " " + std::string(p) + ": " + std::strerror(err));
}

// The folder part of a path: "." for a bare name, "/" for a name at the root.
// Plain strings, not std::filesystem::path: building a path splits it into a vector of
// component paths, an allocation per component for every image (4.7 MB of the worker's heap at
// the slow cell's peak, docs/bench.md, thirteenth round).
std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? std::string("/") : path.substr(0, slash);
}

// A name no other writer (thread, process, retry) uses at the same time.
std::string temp_name_for(const std::string& path) {
  static std::atomic<std::uint64_t> counter{0};
  static const std::string pid = std::to_string(::getpid());
  std::string tmp = path;
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

// Runs open_fn; if the folder is missing, creates it (one mkdir pass for a user's first image,
// instead of a stat per image) and runs it again. -1 with errno set on failure.
template <typename Open>
int open_creating_parents(const std::string& dir, Open open_fn, std::error_code& ec) {
  int fd = open_fn();
  if (fd >= 0 || errno != ENOENT) return fd;
  std::filesystem::create_directories(std::filesystem::path(dir), ec);
  if (ec) return -1;
  return open_fn();
}

// The portable way: a uniquely named temp file beside `path`, renamed over it.
Result<Ok> write_via_rename(const std::string& path, std::string_view bytes) {
  const std::string tmp = temp_name_for(path);
  const std::string dir = parent_of(path);
  std::error_code ec;
  int fd = open_creating_parents(
      dir, [&] { return open_new(tmp); }, ec);
  if (ec) return make_error(Errc::kUnavailable, "create " + dir + ": " + ec.message());
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

enum class Published { kYes, kNotSupported, kExists, kFailed };

// Gives the unnamed inode behind `fd` the name `path`; linkat's result, errno set on failure.
// By descriptor (AT_EMPTY_PATH) where the kernel allows it (CAP_DAC_READ_SEARCH, or Linux 6.10+
// for the process that opened the file): no path walk through /proc for every image. Otherwise
// through /proc/self/fd, and the process stops trying the first way.
int link_descriptor(int fd, const std::string& path) {
  static std::atomic<bool> by_descriptor{true};
  if (by_descriptor.load(std::memory_order_relaxed)) {
    const int rc = ::linkat(fd, "", AT_FDCWD, path.c_str(), AT_EMPTY_PATH);
    // ENOENT is also how a missing capability shows; the /proc way tells the two apart.
    if (rc == 0 || (errno != ENOENT && errno != EPERM && errno != EINVAL)) return rc;
    if (errno != ENOENT) by_descriptor.store(false, std::memory_order_relaxed);
  }
  char self[40];
  std::snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
  const int rc = ::linkat(AT_FDCWD, self, AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW);
  // The /proc way worked where the descriptor way said ENOENT: that was the capability.
  if (rc == 0) by_descriptor.store(false, std::memory_order_relaxed);
  return rc;
}

// The fast way (Linux): the bytes go into an unnamed inode (O_TMPFILE), which is then linked
// at `path` complete. One directory entry is added, none removed: about an eighth less CPU per
// image than temp-and-rename on ext4 (docs/bench.md). linkat never replaces, so an existing
// `path` (a retried or reclaimed job) says kExists and the caller falls back to the rename.
Published write_via_tmpfile(const std::string& path, std::string_view bytes, Error& error) {
  std::error_code ec;
  const std::string dir = parent_of(path);
  int fd = open_creating_parents(
      dir, [&] { return ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644); }, ec);
  if (ec) {
    error = make_error(Errc::kUnavailable, "create " + dir + ": " + ec.message());
    return Published::kFailed;
  }
  // EISDIR/EOPNOTSUPP: a kernel or filesystem without O_TMPFILE; the rename path serves it.
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
    return Published::kNotSupported;
  if (fd < 0) {
    error = io_error("open in", dir, errno);
    return Published::kFailed;
  }
  auto written = write_all(fd, bytes);
  if (!written) {
    ::close(fd);  // the unnamed inode goes with its last descriptor
    error = make_error(Errc::kUnavailable, "write " + path + ": " + written.error().message);
    return Published::kFailed;
  }
  const int rc = link_descriptor(fd, path);
  const int err = errno;
  ::close(fd);
  if (rc == 0) return Published::kYes;
  if (err == EEXIST) return Published::kExists;
  if (err == ENOENT || err == EPERM || err == EXDEV) return Published::kNotSupported;  // no /proc
  error = io_error("link", path, err);
  return Published::kFailed;
}

}  // namespace

Result<Ok> write_file_atomically(const std::string& path, std::string_view bytes) {
  Error error;
  switch (write_via_tmpfile(path, bytes, error)) {
    case Published::kYes:
      return Ok{};
    case Published::kFailed:
      return error;
    case Published::kExists:
    case Published::kNotSupported:
      return write_via_rename(path, bytes);
  }
  return write_via_rename(path, bytes);
}

LocalStorage::LocalStorage(std::filesystem::path root,
                           std::function<void(const GroupCommitPass&)> on_pass)
    : root_(std::move(root)), root_prefix_(root_.native() + "/") {
  std::error_code ec;
  std::filesystem::create_directories(root_, ec);
  root_fd_ = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  // One pass makes every file written before it durable, data and renames alike: syncfs
  // flushes the whole filesystem with one journal commit, where an fdatasync per file would
  // pay a device flush per image.
  commit_ = std::make_unique<GroupCommit>([this] { return sync_all(); }, GroupCommitOptions{},
                                          std::move(on_pass));
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
  if (::syncfs(root_fd_) != 0) return io_error("syncfs", root_.native(), errno);
  return Ok{};
}

boost::asio::awaitable<Result<std::string>> LocalStorage::store(
    const std::string& user_id, const std::string& job_id, int index, const GeneratedImage& image,
    const image::ImageInfo& info, std::chrono::steady_clock::time_point deadline,
    std::chrono::steady_clock::time_point job_started) {
  const std::vector<ImageRef> one{ImageRef{&image, &info}};
  auto stored = co_await store_many(user_id, job_id, index, one, deadline, job_started);
  co_return std::move(stored.front());
}

boost::asio::awaitable<std::vector<Result<std::string>>> LocalStorage::store_many(
    const std::string& user_id, const std::string& job_id, int first_index,
    const std::vector<ImageRef>& images, std::chrono::steady_clock::time_point,
    std::chrono::steady_clock::time_point job_started) {
  // out[i]: image i's relative path (the result) until a write or the sync fails it.
  std::vector<Result<std::string>> out;
  out.reserve(images.size());
  struct File {
    std::size_t index;  // into out
    std::string path;
    const std::string* bytes;
    Result<Ok> written = Ok{};
  };
  std::vector<File> files;
  files.reserve(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    out.push_back(
        object_path(user_id, job_id, first_index + static_cast<int>(i), images[i].info->ext));
    if (out.back()) files.push_back(File{i, root_prefix_ + *out.back(), &images[i].image->bytes});
  }
  if (files.empty()) co_return out;
  // All of the job's files are written by the group commit's helper, within the pass that makes
  // them durable (a file creation can block for as long as a running sync writes back what it
  // must change, and an io thread blocked there stalls every job it runs: group_commit.h). One
  // writer per job, not per image: one wait, one completion and one coroutine frame instead of
  // four for a count-4 job. One reference: std::function holds it without allocating.
  GroupCommit::Write write = [&files] {
    for (File& f : files) {
      try {
        f.written = write_file_atomically(f.path, *f.bytes);
      } catch (const std::exception& e) {  // bad_alloc: this file fails, the others go on
        f.written = make_error(Errc::kInternal, e.what());
      }
    }
    return Result<Ok>(Ok{});
  };
  // Waiting for other writers to share a sync saves CPU but adds to this job's time: at most a
  // quarter of what the job has taken so far (a 3 ms job waits ~1 ms, a 1 s job the full
  // linger). At c50 a fixed 4 ms linger was a third of a request's time (docs/bench.md).
  const auto patience = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - job_started) /
                        4;
  const Result<Ok> synced = co_await commit_->durable(patience, std::move(write), files.size());
  for (File& f : files) {
    if (!f.written) {
      out[f.index] = f.written.error();
    } else if (!synced) {
      out[f.index] = synced.error();
    }
  }
  co_return out;
}

}  // namespace imagegen::worker
