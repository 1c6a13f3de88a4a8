#include "worker/providers/kling_jwt.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>

#include "worker/providers/base64.h"

namespace imagegen::worker {
namespace {

std::string base64url(std::string_view data) {
  std::string s = base64_encode(data);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return s;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string json_escape_key(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out;
}

}  // namespace

std::string mint_kling_jwt(std::string_view access_key, std::string_view secret_key,
                           std::int64_t now_s) {
  const std::string header = base64url(R"({"alg":"HS256","typ":"JWT"})");
  const std::string payload =
      base64url(R"({"iss":")" + json_escape_key(access_key) + R"(","exp":)" +
                std::to_string(now_s + KlingTokenCache::kLifetimeS) + R"(,"nbf":)" +
                std::to_string(now_s - 5) + "}");
  const std::string signing_input = header + "." + payload;
  return signing_input + "." + base64url(hmac_sha256(secret_key, signing_input));
}

KlingTokenCache::KlingTokenCache(UnixSeconds now) : now_(std::move(now)) {
  if (!now_) {
    now_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

std::string KlingTokenCache::token(const std::string& access_key,
                                   const std::string& secret_key) const {
  const std::int64_t now = now_();
  std::lock_guard lock(mu_);
  const std::string keys = access_key + '\n' + secret_key;
  if (token_.empty() || keys != keys_ || now >= exp_ - kRefreshMarginS) {
    token_ = mint_kling_jwt(access_key, secret_key, now);
    keys_ = keys;
    exp_ = now + kLifetimeS;
  }
  return token_;
}

}  // namespace imagegen::worker
