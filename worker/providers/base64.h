#pragma once
// Strict standard-alphabet base64 decoding for image payloads (OpenSSL EVP_DecodeBlock).
#include <optional>
#include <string>
#include <string_view>

namespace imagegen::worker {

// Decodes RFC 4648 base64 (alphabet A-Z a-z 0-9 + /). Padding is optional, but if present it
// must be correct. Whitespace, line breaks, URL-safe characters and any other byte make it fail
// (nullopt): a provider that sends them is sending something we did not expect.
std::optional<std::string> base64_decode(std::string_view in);

// Standard base64 with padding (tests and request bodies).
std::string base64_encode(std::string_view in);

}  // namespace imagegen::worker
