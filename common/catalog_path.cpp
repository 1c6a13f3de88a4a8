#include "common/catalog_path.h"

#include <unistd.h>

#include <array>
#include <filesystem>

namespace imagegen {

std::vector<std::string> catalog_candidates(std::string_view configured,
                                            std::string_view exe_path) {
  if (!configured.empty()) return {std::string(configured)};
  std::vector<std::string> out;
  const auto slash = exe_path.rfind('/');
  if (slash != std::string_view::npos) {
    // bin/imagegen-api -> bin/../share/imagegen/models.json; "/imagegen-api" -> "/../share".
    out.push_back(std::string(exe_path.substr(0, slash)) + "/../share/imagegen/models.json");
  }
  out.push_back("config/models.json");
  return out;
}

Result<std::string> choose_catalog_path(const std::vector<std::string>& candidates,
                                        const std::function<bool(const std::string&)>& exists) {
  for (const auto& c : candidates) {
    if (exists(c)) return c;
  }
  std::string looked;
  for (const auto& c : candidates) looked += (looked.empty() ? "" : ", ") + c;
  return make_error(Errc::kNotFound,
                    "catalog: no models.json (looked at " + looked + "); set IMAGEGEN_CATALOG");
}

Result<std::string> find_catalog_path(std::string_view configured) {
  std::array<char, 4096> buf{};
  const ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  const std::string exe = n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : "";
  return choose_catalog_path(catalog_candidates(configured, exe), [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
  });
}

}  // namespace imagegen
