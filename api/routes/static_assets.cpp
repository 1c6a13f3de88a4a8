#include "api/routes/static_assets.h"

#include <array>
#include <stdexcept>
#include <string>

#include "api/routes/embedded_files.h"
#include "api/routes/http_cache.h"

namespace imagegen::api {

namespace {
struct Asset {
  std::string_view path;
  std::string_view file;
  std::string_view content_type;
  std::string_view body;
  std::string etag;
};

constexpr std::array<std::array<std::string_view, 3>, 4> kRoutes = {{
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/app.css", "app.css", "text/css; charset=utf-8"},
    {"/openapi.json", "openapi.json", "application/json"},
}};

// Built once: hashing the files per request would be waste, they never change in a process.
const std::vector<Asset>& assets() {
  static const std::vector<Asset> table = [] {
    std::vector<Asset> out;
    for (const auto& [path, file, type] : kRoutes) {
      const EmbeddedFile* found = nullptr;
      for (const auto& f : embedded_files())
        if (f.name == file) found = &f;
      // The build embeds every file of kRoutes; a missing one is a build bug, found at start.
      if (found == nullptr) throw std::logic_error("api/static/" + std::string(file) + " missing");
      out.push_back({path, file, type, found->bytes, strong_etag(found->bytes)});
    }
    return out;
  }();
  return table;
}

const Asset* find(std::string_view target) {
  for (const auto& a : assets())
    if (a.path == target) return &a;
  return nullptr;
}
}  // namespace

bool is_static_asset(std::string_view target) {
  for (const auto& r : kRoutes)
    if (r[0] == target) return true;
  return false;
}

std::optional<ApiResponse> static_asset(std::string_view target, std::string_view if_none_match) {
  const Asset* a = find(target);
  if (a == nullptr) return std::nullopt;
  ApiResponse r;
  r.content_type = std::string(a->content_type);
  r.headers = {
      {"ETag", a->etag},
      // Revalidate every time: a new build must show at once, and a 304 costs nothing.
      {"Cache-Control", "no-cache"},
      {"Content-Security-Policy", std::string(kPlaygroundCsp)},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
  };
  if (!if_none_match.empty() && etag_matches(if_none_match, a->etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.body = std::string(a->body);
  return r;
}

}  // namespace imagegen::api
