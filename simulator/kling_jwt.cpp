#include "simulator/kling_jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <optional>

#include "simulator/image_cache.h"

namespace imagegen::sim {
namespace {

std::string base64url_encode(std::string_view bytes) {
  std::string text = base64_encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string standard(text);
  for (char& c : standard) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/' || c == '=')
      return std::nullopt;
  }
  if (standard.size() % 4 == 1) return std::nullopt;
  const std::size_t padding = (4 - standard.size() % 4) % 4;
  standard.append(padding, '=');
  std::string out(standard.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(standard.data()),
                                static_cast<int>(standard.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

JwtVerdict verify_kling_jwt(std::string_view token, std::string_view access_key,
                            std::string_view secret_key, std::int64_t now_unix_seconds) {
  if (token.empty()) return JwtVerdict::kMissing;
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return JwtVerdict::kInvalid;
  }
  const auto header = base64url_decode(token.substr(0, first));
  const auto payload = base64url_decode(token.substr(first + 1, second - first - 1));
  const auto signature = base64url_decode(token.substr(second + 1));
  if (!header || !payload || !signature) return JwtVerdict::kInvalid;
  const std::string expected = hmac_sha256(secret_key, token.substr(0, second));
  if (signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return JwtVerdict::kInvalid;
  }

  simdjson::dom::parser parser;
  simdjson::dom::object header_json;
  std::string_view alg;
  if (parser.parse(*header).get(header_json) || header_json["alg"].get(alg) || alg != "HS256") {
    return JwtVerdict::kInvalid;
  }
  simdjson::dom::object claims;
  if (parser.parse(*payload).get(claims)) return JwtVerdict::kInvalid;
  std::string_view iss;
  std::int64_t exp = 0;
  if (claims["iss"].get(iss) || iss != access_key || claims["exp"].get(exp))
    return JwtVerdict::kInvalid;
  std::int64_t nbf = 0;
  if (const auto e = claims["nbf"].get(nbf); e && e != simdjson::NO_SUCH_FIELD)
    return JwtVerdict::kInvalid;
  if (nbf > now_unix_seconds) return JwtVerdict::kNotYetValid;
  if (exp <= now_unix_seconds) return JwtVerdict::kExpired;
  return JwtVerdict::kValid;
}

std::string sign_kling_jwt(std::string_view access_key, std::string_view secret_key,
                           std::int64_t exp, std::int64_t nbf) {
  std::string payload = "{\"iss\":\"" + std::string(access_key) +
                        "\",\"exp\":" + std::to_string(exp) + ",\"nbf\":" + std::to_string(nbf) +
                        "}";
  std::string token =
      base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(payload);
  return token + "." + base64url_encode(hmac_sha256(secret_key, token));
}

}  // namespace imagegen::sim
