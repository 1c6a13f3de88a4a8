#pragma once
// Hashing, HMAC, constant-time comparison and random identifiers (OpenSSL underneath).
// base64 and base64url live in common/base64.h.
#include <string>
#include <string_view>

namespace imagegen::crypto {

std::string sha256_hex(std::string_view data);
// The product's only HMAC: JWTs (common/jwt) and anything else that signs goes through here.
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
// Equal contents, in time independent of where they differ (OpenSSL CRYPTO_memcmp). The length
// is not secret (a MAC's length is public).
bool constant_time_equal(std::string_view a, std::string_view b);
std::string random_hex(std::size_t bytes);  // CSPRNG

// A new API key as shown once to its owner: "igk_" + 64 hex characters.
std::string new_api_key();

}  // namespace imagegen::crypto
