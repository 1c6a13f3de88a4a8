#pragma once
// The one base64 code (RFC 4648): the standard alphabet for image payloads, the URL-safe one for
// JWTs. Encoding is OpenSSL's EVP_EncodeBlock; decoding is our own single strict pass (images are
// decoded on every delivery, so it is on the worker's hot path).
#include <optional>
#include <string>
#include <string_view>

namespace imagegen {

// Decodes RFC 4648 base64 (alphabet A-Z a-z 0-9 + /). Padding is optional, but if present it
// must be correct. Whitespace, line breaks, URL-safe characters and any other byte make it fail
// (nullopt): a provider that sends them is sending something we did not expect.
std::optional<std::string> base64_decode(std::string_view in);

// Standard base64 with padding (tests and request bodies).
std::string base64_encode(std::string_view in);

// base64url (alphabet A-Z a-z 0-9 - _), no padding: JWT segments.
std::string base64url_encode(std::string_view in);

// base64url; padding optional but correct if present. The standard alphabet's '+' and '/' (and
// anything else outside the URL-safe alphabet) make it fail.
std::optional<std::string> base64url_decode(std::string_view in);

}  // namespace imagegen
