#pragma once
// HS256 JSON Web Tokens (RFC 7519 compact form), the one implementation: the api verifies
// Supabase-style user tokens, the worker mints Kling's API tokens, the simulator verifies them.
// Pure apart from the token cache's clock; HMAC through common/crypto, base64url through
// common/base64.
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace imagegen::jwt {

// header {"alg":"HS256","typ":"JWT"} . `claims_json` (an encoded JSON object) . HMAC-SHA256.
std::string sign_hs256(std::string_view claims_json, std::string_view secret);

// The registered claims the product looks at. exp and nbf are NumericDate: integer or
// fractional seconds.
struct Claims {
  std::string sub;
  std::string iss;
  std::optional<double> exp;
  std::optional<double> nbf;
};

// Checks the form (three base64url parts), the header (an object with alg HS256: never "none"
// or another algorithm), the signature (constant-time) and that the payload is a JSON object
// whose sub/iss are strings and exp/nbf numbers where present. Time is not checked here: see
// check_time. Errors are kInvalidArgument with a short reason (never the token itself).
Result<Claims> verify_hs256(std::string_view token, std::string_view secret);

enum class TimeVerdict { kValid, kNoExpiry, kExpired, kNotYetValid };

// exp is required and must be after `now_s`; nbf, when present, must not be after `now_s`.
TimeVerdict check_time(const Claims& claims, std::int64_t now_s);

// A token a client signs for itself with an issuer key pair (Kling's scheme):
// {"iss": issuer, "exp": now_s + lifetime_s, "nbf": now_s - 5} (5 s of clock skew allowed).
std::string mint_issuer_token(std::string_view issuer, std::string_view secret, std::int64_t now_s,
                              std::int64_t lifetime_s);

// Mints an issuer token once and reuses it until shortly before it expires. Thread-safe.
class IssuerTokenCache {
 public:
  using UnixSeconds = std::function<std::int64_t()>;
  static constexpr std::int64_t kLifetimeS = 1800;
  // Refresh this long before exp, so a token never expires between mint and use (clock skew,
  // long polls).
  static constexpr std::int64_t kRefreshMarginS = 300;

  explicit IssuerTokenCache(UnixSeconds now = nullptr);  // nullptr: the system clock
  std::string token(const std::string& issuer, const std::string& secret) const;

 private:
  UnixSeconds now_;
  mutable std::mutex mu_;
  mutable std::string token_, keys_;
  mutable std::int64_t exp_ = 0;
};

}  // namespace imagegen::jwt
