#include "simulator/kling_jwt.h"

#include "common/json_writer.h"
#include "common/jwt.h"

namespace imagegen::sim {

JwtVerdict verify_kling_jwt(std::string_view token, std::string_view access_key,
                            std::string_view secret_key, std::int64_t now_unix_seconds) {
  if (token.empty()) return JwtVerdict::kMissing;
  const auto claims = jwt::verify_hs256(token, secret_key);
  // Kling's own rule on top of HS256: the token names the access key it was signed for.
  if (!claims || claims->iss != access_key) return JwtVerdict::kInvalid;
  switch (jwt::check_time(*claims, now_unix_seconds)) {
    case jwt::TimeVerdict::kValid:
      return JwtVerdict::kValid;
    case jwt::TimeVerdict::kNotYetValid:
      return JwtVerdict::kNotYetValid;
    case jwt::TimeVerdict::kExpired:
      return JwtVerdict::kExpired;
    case jwt::TimeVerdict::kNoExpiry:
      break;
  }
  return JwtVerdict::kInvalid;
}

std::string sign_kling_jwt(std::string_view access_key, std::string_view secret_key,
                           std::int64_t exp, std::int64_t nbf) {
  JsonWriter claims;
  claims.begin_object().field("iss", access_key).field("exp", exp).field("nbf", nbf).end_object();
  return jwt::sign_hs256(claims.str(), secret_key);
}

}  // namespace imagegen::sim
