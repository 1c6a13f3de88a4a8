#pragma once
// Standard Webhooks 1.0 signing: each user has a secret "whsec_" + base64(key) (key: 24 random
// bytes); a delivery carries webhook-id, webhook-timestamp (unix seconds) and
// webhook-signature = "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)).
// Pure apart from new_webhook_secret() (CSPRNG). Standard base64 with padding, as the
// specification's reference libraries use.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imagegen::webhook {

inline constexpr std::string_view kSecretPrefix = "whsec_";
inline constexpr std::size_t kSecretKeyBytes = 24;

// "whsec_" + base64 of kSecretKeyBytes fresh random bytes.
std::string new_webhook_secret();

// The raw key inside a "whsec_..." secret; nullopt when it is not one.
std::optional<std::string> secret_key(std::string_view secret);

// The webhook-id of a job's completion event: the same on every attempt, so receivers can
// drop duplicates.
std::string message_id(std::string_view job_id);

// "v1," + base64(HMAC-SHA256(key, id.timestamp.body)).
std::string signature(std::string_view key, std::string_view id, std::int64_t timestamp_s,
                      std::string_view body);

}  // namespace imagegen::webhook
