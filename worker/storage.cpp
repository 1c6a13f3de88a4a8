#include "worker/storage.h"

#include "worker/local_storage.h"
#include "worker/supabase_storage.h"

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

Result<std::unique_ptr<Storage>> make_storage(std::string_view spec, HttpClient& http,
                                              const SupabaseSettings& supabase) {
  if (spec.starts_with("local:") && spec.size() > 6) {
    return std::unique_ptr<Storage>(std::make_unique<LocalStorage>(std::string(spec.substr(6))));
  }
  if (spec == "supabase") {
    if (supabase.url.empty() || supabase.service_key.empty() || supabase.bucket.empty()) {
      return make_error(Errc::kInvalidArgument,
                        "IMAGEGEN_STORAGE=supabase needs SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY "
                        "and IMAGEGEN_SUPABASE_BUCKET");
    }
    SupabaseStorageOptions options;
    options.settings = supabase;
    return std::unique_ptr<Storage>(std::make_unique<SupabaseStorage>(http, std::move(options)));
  }
  return make_error(
      Errc::kInvalidArgument,
      "IMAGEGEN_STORAGE must be local:DIR or supabase, got '" + std::string(spec) + "'");
}

}  // namespace imagegen::worker
