#include "worker/storage.h"

#include <exception>
#include <optional>

#include "common/lifecycle/when_all.h"

namespace imagegen::worker {
namespace {

namespace asio = boost::asio;

// store() with any exception as the image's kInternal error, so when_all never sees one;
// optional only because when_all's values must be default-constructible (always set here).
asio::awaitable<std::optional<Result<std::string>>> store_catching(
    Storage& storage, const std::string& user_id, const std::string& job_id, int index,
    ImageRef image, std::chrono::steady_clock::time_point deadline,
    std::chrono::steady_clock::time_point job_started) {
  try {
    co_return co_await storage.store(user_id, job_id, index, *image.image, *image.info, deadline,
                                     job_started);
  } catch (const std::exception& e) {
    co_return Result<std::string>(make_error(Errc::kInternal, e.what()));
  } catch (...) {
    co_return Result<std::string>(make_error(Errc::kInternal, "unknown exception"));
  }
}

bool safe_segment(std::string_view s) {
  if (s.empty() || s.size() > 128 || s == "." || s == "..") return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<std::string> object_path(std::string_view user_id, std::string_view job_id, int index,
                                std::string_view ext) {
  if (!safe_segment(user_id))
    return make_error(Errc::kInvalidArgument, "unsafe user id for a path");
  if (!safe_segment(job_id)) return make_error(Errc::kInvalidArgument, "unsafe job id for a path");
  if (index < 0) return make_error(Errc::kInvalidArgument, "negative image index");
  if (ext != "png" && ext != "jpg" && ext != "webp") {
    return make_error(Errc::kInvalidArgument, "unknown image extension");
  }
  std::string path;
  path.reserve(user_id.size() + job_id.size() + 40);
  path.append(user_id).append("/generated/generated_").append(job_id).append("_");
  path.append(std::to_string(index)).append(".").append(ext);
  return path;
}

asio::awaitable<std::vector<Result<std::string>>> Storage::store_many(
    const std::string& user_id, const std::string& job_id, int first_index,
    const std::vector<ImageRef>& images, std::chrono::steady_clock::time_point deadline,
    std::chrono::steady_clock::time_point job_started) {
  std::vector<Result<std::string>> out;
  out.reserve(images.size());
  if (images.size() == 1) {  // inline: no group for one image
    out.push_back(*co_await store_catching(*this, user_id, job_id, first_index, images[0], deadline,
                                           job_started));
    co_return out;
  }
  std::vector<asio::awaitable<std::optional<Result<std::string>>>> stores;
  stores.reserve(images.size());
  for (std::size_t i = 0; i < images.size(); ++i) {
    stores.push_back(store_catching(*this, user_id, job_id, first_index + static_cast<int>(i),
                                    images[i], deadline, job_started));
  }
  auto settled = co_await lifecycle::when_all(std::move(stores));
  for (auto& value : settled.values) out.push_back(std::move(value).value());
  co_return out;
}

}  // namespace imagegen::worker
