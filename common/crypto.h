#pragma once
// Hashing, HMAC, base64url and random identifiers (OpenSSL underneath).
#include <optional>
#include <string>
#include <string_view>

namespace imagegen::crypto {

std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
bool constant_time_equal(std::string_view a, std::string_view b);
std::string base64url_encode(std::string_view data);                 // no padding
std::optional<std::string> base64url_decode(std::string_view text);  // padding optional
std::string random_hex(std::size_t bytes);                           // CSPRNG

// A new API key as shown once to its owner: "igk_" + 64 hex characters.
std::string new_api_key();

}  // namespace imagegen::crypto
