#include "common/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "common/crypto.h"

namespace imagegen::webhook {

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * (text.size() / 4), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes: drop one per '='.
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '=' && size > 0; --i) --size;
  out.resize(size);
  return out;
}

std::string new_webhook_secret() {
  unsigned char key[kSecretKeyBytes];
  if (RAND_bytes(key, sizeof(key)) != 1) throw std::runtime_error("RAND_bytes failed");
  return std::string(kSecretPrefix) +
         base64_encode(std::string_view(reinterpret_cast<const char*>(key), sizeof(key)));
}

std::optional<std::string> secret_key(std::string_view secret) {
  if (!secret.starts_with(kSecretPrefix)) return std::nullopt;
  auto key = base64_decode(secret.substr(kSecretPrefix.size()));
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
