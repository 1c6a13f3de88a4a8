#include "api/auth.h"

#include <simdjson.h>

#include <algorithm>

#include "common/crypto.h"

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
  auto d1 = token.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return denied("not a JWT");
  }
  auto header = crypto::base64url_decode(token.substr(0, d1));
  auto payload = crypto::base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  auto signature = crypto::base64url_decode(token.substr(d2 + 1));
  if (!header || !payload || !signature) return denied("JWT is not base64url");

  std::string expected = crypto::hmac_sha256(secret, token.substr(0, d2));
  if (!crypto::constant_time_equal(expected, *signature)) return denied("JWT signature mismatch");

  simdjson::dom::parser parser;
  simdjson::dom::object h;
  if (parser.parse(*header).get_object().get(h)) return denied("JWT header is not an object");
  std::string_view alg;
  if (h["alg"].get_string().get(alg) || alg != "HS256") return denied("JWT alg must be HS256");

  simdjson::dom::parser payload_parser;
  simdjson::dom::object p;
  if (payload_parser.parse(*payload).get_object().get(p))
    return denied("JWT payload is not an object");
  std::string_view sub;
  if (p["sub"].get_string().get(sub) || sub.empty()) return denied("JWT has no sub");
  // exp/nbf are NumericDate: integer or fractional seconds.
  double exp = 0;
  simdjson::dom::element exp_el;
  if (p["exp"].get(exp_el) || exp_el.get_double().get(exp)) return denied("JWT has no exp");
  if (exp <= static_cast<double>(now_s)) return denied("JWT expired");
  simdjson::dom::element nbf_el;
  double nbf = 0;
  if (!p["nbf"].get(nbf_el) && !nbf_el.get_double().get(nbf) && nbf > static_cast<double>(now_s)) {
    return denied("JWT not valid yet");
  }
  return std::string(sub);
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
