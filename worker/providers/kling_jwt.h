#pragma once
// Kling's API token: an HS256 JWT {"iss": access key, "exp": now+1800, "nbf": now-5} signed with
// the secret key (docs/providers.md, kling). Minted once and reused until shortly before it
// expires.
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace imagegen::worker {

// The compact JWT for `access_key` at unix time `now_s`, signed with `secret_key`.
std::string mint_kling_jwt(std::string_view access_key, std::string_view secret_key,
                           std::int64_t now_s);

class KlingTokenCache {
 public:
  using UnixSeconds = std::function<std::int64_t()>;
  static constexpr std::int64_t kLifetimeS = 1800;
  // Refresh this long before exp, so a token never expires between mint and use (clock skew,
  // long polls).
  static constexpr std::int64_t kRefreshMarginS = 300;

  explicit KlingTokenCache(UnixSeconds now = nullptr);
  // A valid token for these keys (thread-safe; the registry is shared read-only).
  std::string token(const std::string& access_key, const std::string& secret_key) const;

 private:
  UnixSeconds now_;
  mutable std::mutex mu_;
  mutable std::string token_, keys_;
  mutable std::int64_t exp_ = 0;
};

}  // namespace imagegen::worker
