// authenticate_header with a fixed secret. Input byte 0 picks the mode:
//  even: the whole input is the Authorization header value ("Bearer ..." starts with 'B', even);
//  odd:  the rest is "<JWT header JSON>\n<JWT payload JSON>", signed here with the secret so the
//        fuzzer gets past the HMAC check into the claims parsing.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/auth.h"
#include "common/base64.h"
#include "common/crypto.h"
#include "tests/fuzz/fuzz_check.h"

namespace {
constexpr std::string_view kSecret = "fuzz-secret";
constexpr std::int64_t kNow = 1'700'000'000;

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void check(const imagegen::Result<imagegen::api::Credential>& r) {
  if (!r) {
    FUZZ_CHECK(!r.error().message.empty());
    return;
  }
  if (r->kind == imagegen::api::Credential::Kind::kApiKey) {
    FUZZ_CHECK(r->ident.size() == 64 && is_lower_hex(r->ident));
  } else {
    FUZZ_CHECK(!r->ident.empty());
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if ((data[0] & 1) == 0) {
    check(imagegen::api::authenticate_header(in, kSecret, kNow));
    // Without a secret no JWT may ever pass.
    auto no_secret = imagegen::api::authenticate_header(in, "", kNow);
    FUZZ_CHECK(!no_secret || no_secret->kind == imagegen::api::Credential::Kind::kApiKey);
    return 0;
  }
  in.remove_prefix(1);
  auto nl = in.find('\n');
  std::string_view header = in.substr(0, nl);
  std::string_view payload = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  std::string signing_input =
      imagegen::base64url_encode(header) + "." + imagegen::base64url_encode(payload);
  std::string jwt =
      signing_input + "." +
      imagegen::base64url_encode(imagegen::crypto::hmac_sha256(kSecret, signing_input));
  auto r = imagegen::api::authenticate_header("Bearer " + jwt, kSecret, kNow);
  check(r);
  if (r) FUZZ_CHECK(r->kind == imagegen::api::Credential::Kind::kUser);
  // The same token signed with another secret must fail.
  FUZZ_CHECK(!imagegen::api::authenticate_header("Bearer " + jwt, "other-secret", kNow));
  return 0;
}
