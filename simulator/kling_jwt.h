#pragma once
// Kling's request auth: `Authorization: Bearer <JWT>`, HS256 over {"iss": access key, "exp",
// "nbf"} signed with the secret key (docs/providers.md, Kling). Kling's rules (the `iss` names the
// access key, `exp` required) over the product's one HS256 code in common/jwt. Verification here,
// minting for tests and tools. Pure functions, no clock of their own.
#include <cstdint>
#include <string>
#include <string_view>

namespace imagegen::sim {

enum class JwtVerdict {
  kValid,
  kMissing,  // no bearer token at all
  kInvalid,  // not three base64url parts, not HS256, bad signature, bad JSON, wrong `iss`, no `exp`
  kNotYetValid,  // `nbf` after now
  kExpired,      // `exp` at or before now
};

JwtVerdict verify_kling_jwt(std::string_view token, std::string_view access_key,
                            std::string_view secret_key, std::int64_t now_unix_seconds);

// A token as Kling's docs build it: header {"alg":"HS256","typ":"JWT"}, payload {iss, exp, nbf}.
std::string sign_kling_jwt(std::string_view access_key, std::string_view secret_key,
                           std::int64_t exp, std::int64_t nbf);

}  // namespace imagegen::sim
