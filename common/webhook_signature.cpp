#include "common/webhook_signature.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "common/base64.h"
#include "common/crypto.h"

namespace imagegen::webhook {

std::string new_webhook_secret() {
  unsigned char key[kSecretKeyBytes];
  if (RAND_bytes(key, sizeof(key)) != 1) throw std::runtime_error("RAND_bytes failed");
  return std::string(kSecretPrefix) +
         base64_encode(std::string_view(reinterpret_cast<const char*>(key), sizeof(key)));
}

std::optional<std::string> secret_key(std::string_view secret) {
  if (!secret.starts_with(kSecretPrefix)) return std::nullopt;
  // Secrets are written padded (new_webhook_secret): a length that is not whole quads is a typo.
  const std::string_view encoded = secret.substr(kSecretPrefix.size());
  if (encoded.size() % 4 != 0) return std::nullopt;
  auto key = base64_decode(encoded);
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string message_id(std::string_view job_id) { return "msg_" + std::string(job_id); }

std::string signature(std::string_view key, std::string_view id, std::int64_t timestamp_s,
                      std::string_view body) {
  std::string signed_content;
  signed_content.reserve(id.size() + body.size() + 24);
  signed_content.append(id).append(".").append(std::to_string(timestamp_s)).append(".");
  signed_content.append(body);
  return "v1," + base64_encode(crypto::hmac_sha256(key, signed_content));
}

}  // namespace imagegen::webhook
