#include "api/auth.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/crypto.h"

namespace imagegen::api {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

std::string make_jwt(const std::string& header, const std::string& payload,
                     const std::string& secret) {
  std::string input = base64url_encode(header) + "." + base64url_encode(payload);
  return input + "." + base64url_encode(crypto::hmac_sha256(secret, input));
}

const std::string kHeader = R"({"alg":"HS256","typ":"JWT"})";

TEST(Auth, ValidJwtGivesItsSubject) {
  auto jwt =
      make_jwt(kHeader, R"({"sub":"user-1","exp":1800000100,"role":"authenticated"})", "s3cret");
  auto c = authenticate_header("Bearer " + jwt, "s3cret", kNow);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->kind, Credential::Kind::kUser);
  EXPECT_EQ(c->ident, "user-1");
}

TEST(Auth, RefusesExpiredWrongSecretWrongAlgAndNoSub) {
  EXPECT_FALSE(authenticate_header(
                   "Bearer " + make_jwt(kHeader, R"({"sub":"u","exp":1799999999})", "s"), "s", kNow)
                   .ok());
  EXPECT_FALSE(authenticate_header(
                   "Bearer " + make_jwt(kHeader, R"({"sub":"u","exp":1900000000})", "x"), "s", kNow)
                   .ok());
  EXPECT_FALSE(authenticate_header("Bearer " + make_jwt(R"({"alg":"none"})",
                                                        R"({"sub":"u","exp":1900000000})", "s"),
                                   "s", kNow)
                   .ok());
  EXPECT_FALSE(
      authenticate_header("Bearer " + make_jwt(kHeader, R"({"exp":1900000000})", "s"), "s", kNow)
          .ok());
  EXPECT_FALSE(
      authenticate_header("Bearer " + make_jwt(kHeader, R"({"sub":"u"})", "s"), "s", kNow).ok());
  EXPECT_FALSE(
      authenticate_header(
          "Bearer " + make_jwt(kHeader, R"({"sub":"u","exp":1900000000,"nbf":1900000000})", "s"),
          "s", kNow)
          .ok());
}

TEST(Auth, JwtRefusedWhenNoSecretConfigured) {
  auto jwt = make_jwt(kHeader, R"({"sub":"u","exp":1900000000})", "");
  EXPECT_FALSE(authenticate_header("Bearer " + jwt, "", kNow).ok());
}

TEST(Auth, ApiKeyIsHashed) {
  std::string key = crypto::new_api_key();
  auto c = authenticate_header("Bearer " + key, "", kNow);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, Credential::Kind::kApiKey);
  EXPECT_EQ(c->ident, crypto::sha256_hex(key));
  EXPECT_EQ(c->ident.find("igk_"), std::string::npos);  // never the key itself
}

TEST(Auth, MalformedHeadersRefused) {
  for (const char* h :
       {"", "Bearer", "Bearer ", "Basic abc", "Bearer igk_123", "Bearer a.b",
        "Bearer igk_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}) {
    EXPECT_FALSE(authenticate_header(h, "s", kNow).ok()) << h;
  }
}

TEST(Auth, BearerSchemeIsCaseInsensitive) {
  std::string key = crypto::new_api_key();
  EXPECT_TRUE(authenticate_header("bearer " + key, "", kNow).ok());
}

}  // namespace
}  // namespace imagegen::api
