#include "common/jwt.h"

#include <simdjson.h>

#include "common/base64.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/json_writer.h"

namespace imagegen::jwt {
namespace {

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

Error invalid(std::string why) { return make_error(Errc::kInvalidArgument, std::move(why)); }

// An optional string claim: absent is fine, present must be a string.
bool read_string(simdjson::dom::object& o, const char* name, std::string& out) {
  simdjson::dom::element e;
  if (o[name].get(e)) return true;
  std::string_view v;
  if (e.get_string().get(v)) return false;
  out = std::string(v);
  return true;
}

// An optional NumericDate: absent is fine, present must be a number.
bool read_number(simdjson::dom::object& o, const char* name, std::optional<double>& out) {
  simdjson::dom::element e;
  if (o[name].get(e)) return true;
  double v = 0;
  if (e.get_double().get(v)) return false;
  out = v;
  return true;
}

}  // namespace

std::string sign_hs256(std::string_view claims_json, std::string_view secret) {
  std::string token = base64url_encode(kHeader);
  token += '.';
  token += base64url_encode(claims_json);
  const std::string mac = crypto::hmac_sha256(secret, token);
  token += '.';
  token += base64url_encode(mac);
  return token;
}

Result<Claims> verify_hs256(std::string_view token, std::string_view secret) {
  const auto d1 = token.find('.');
  const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return invalid("not a JWT");
  }
  const auto header = base64url_decode(token.substr(0, d1));
  const auto payload = base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  const auto signature = base64url_decode(token.substr(d2 + 1));
  if (!header || !payload || !signature) return invalid("JWT is not base64url");

  // The signature first: nothing an unauthenticated party wrote is parsed before it checks out.
  const std::string expected = crypto::hmac_sha256(secret, token.substr(0, d2));
  if (!crypto::constant_time_equal(expected, *signature)) return invalid("JWT signature mismatch");

  simdjson::dom::parser parser;
  simdjson::dom::object h;
  if (parser.parse(*header).get_object().get(h)) return invalid("JWT header is not an object");
  std::string_view alg;
  if (h["alg"].get_string().get(alg) || alg != "HS256") return invalid("JWT alg must be HS256");

  simdjson::dom::parser payload_parser;  // `h` still points into the first parser
  simdjson::dom::object p;
  if (payload_parser.parse(*payload).get_object().get(p)) {
    return invalid("JWT payload is not an object");
  }
  Claims claims;
  if (!read_string(p, "sub", claims.sub) || !read_string(p, "iss", claims.iss) ||
      !read_number(p, "exp", claims.exp) || !read_number(p, "nbf", claims.nbf)) {
    return invalid("JWT claim of the wrong type");
  }
  return claims;
}

TimeVerdict check_time(const Claims& claims, std::int64_t now_s) {
  if (!claims.exp) return TimeVerdict::kNoExpiry;
  const auto now = static_cast<double>(now_s);
  if (claims.nbf && *claims.nbf > now) return TimeVerdict::kNotYetValid;
  if (*claims.exp <= now) return TimeVerdict::kExpired;
  return TimeVerdict::kValid;
}

std::string mint_issuer_token(std::string_view issuer, std::string_view secret, std::int64_t now_s,
                              std::int64_t lifetime_s) {
  JsonWriter claims;
  claims.begin_object()
      .field("iss", issuer)
      .field("exp", now_s + lifetime_s)
      .field("nbf", now_s - 5)
      .end_object();
  return sign_hs256(claims.str(), secret);
}

IssuerTokenCache::IssuerTokenCache(UnixSeconds now) : now_(std::move(now)) {
  if (!now_) now_ = unix_seconds;
}

std::string IssuerTokenCache::token(const std::string& issuer, const std::string& secret) const {
  const std::int64_t now = now_();
  std::lock_guard lock(mu_);
  const std::string keys = issuer + '\n' + secret;
  if (token_.empty() || keys != keys_ || now >= exp_ - kRefreshMarginS) {
    token_ = mint_issuer_token(issuer, secret, now, kLifetimeS);
    keys_ = keys;
    exp_ = now + kLifetimeS;
  }
  return token_;
}

}  // namespace imagegen::jwt
