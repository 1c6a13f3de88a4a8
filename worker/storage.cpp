#include "worker/storage.h"

namespace imagegen::worker {
namespace {

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

}  // namespace imagegen::worker
