#pragma once
// Bearer token classification and HS256 JWT verification. Pure: no Redis.
// An API key is looked up later (by its SHA-256) inside the admission script.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace imagegen::api {

struct Credential {
  enum class Kind { kApiKey, kUser } kind = Kind::kApiKey;
  std::string ident;  // SHA-256 hex of the API key, or the JWT's `sub`
};

// Parses "Bearer <token>". A JWT (three dot-separated parts) is verified with `jwt_secret`
// (HS256 only; `exp` required and must be after now_s; `nbf` honoured; `sub` non-empty).
// An API key must look like one of ours ("igk_" + 64 hex). Anything else is an error, which
// the caller answers with the spec's 401.
Result<Credential> authenticate_header(std::string_view authorization, std::string_view jwt_secret,
                                       std::int64_t now_s);

// Verifies an HS256 JWT and returns its `sub`.
Result<std::string> verify_jwt_hs256(std::string_view token, std::string_view secret,
                                     std::int64_t now_s);

}  // namespace imagegen::api
