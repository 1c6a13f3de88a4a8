// The one place that knows every Storage backend: the interface (storage.cpp) stays free of its
// implementations, and adding a backend touches only this file.
#include "worker/local_storage.h"
#include "worker/storage.h"
#include "worker/supabase_storage.h"

namespace imagegen::worker {

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
