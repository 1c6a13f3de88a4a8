#include "api/auth.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/jwt.h"

namespace imagegen::api {

namespace {
Error denied(std::string why) { return make_error(Errc::kInvalidArgument, std::move(why)); }

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
}  // namespace

Result<std::string> verify_jwt_hs256(std::string_view token, std::string_view secret,
                                     std::int64_t now_s) {
  if (secret.empty()) return denied("JWTs are not accepted: no IMAGEGEN_JWT_SECRET");
  auto claims = jwt::verify_hs256(token, secret);
  if (!claims) return claims.error();
  if (claims->sub.empty()) return denied("JWT has no sub");
  switch (jwt::check_time(*claims, now_s)) {
    case jwt::TimeVerdict::kValid:
      return std::move(claims->sub);
    case jwt::TimeVerdict::kNoExpiry:
      return denied("JWT has no exp");
    case jwt::TimeVerdict::kExpired:
      return denied("JWT expired");
    case jwt::TimeVerdict::kNotYetValid:
      return denied("JWT not valid yet");
  }
  return denied("JWT refused");
}

Result<Credential> authenticate_header(std::string_view authorization, std::string_view jwt_secret,
                                       std::int64_t now_s) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return denied("missing Bearer token");
  }
  std::string_view token = authorization.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.size() > 8192) return denied("token too long");
  if (std::count(token.begin(), token.end(), '.') == 2) {
    auto sub = verify_jwt_hs256(token, jwt_secret, now_s);
    if (!sub) return sub.error();
    return Credential{Credential::Kind::kUser, std::move(sub.value())};
  }
  constexpr std::string_view kPrefix = "igk_";
  if (token.size() != kPrefix.size() + 64 || token.substr(0, kPrefix.size()) != kPrefix ||
      !is_hex(token.substr(kPrefix.size()))) {
    return denied("not an API key");
  }
  return Credential{Credential::Kind::kApiKey, crypto::sha256_hex(token)};
}

}  // namespace imagegen::api
