#include "common/jwt.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/base64.h"
#include "common/crypto.h"

namespace imagegen::jwt {
namespace {

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t dot; (dot = token.find('.', start)) != std::string::npos; start = dot + 1) {
    out.push_back(token.substr(start, dot - start));
  }
  out.push_back(token.substr(start));
  return out;
}

std::string decoded(const std::string& part) { return base64url_decode(part).value_or("<bad>"); }

// A token with any header and a valid HMAC-SHA256 over it, to reach the checks after the MAC.
std::string with_header(std::string_view header, std::string_view claims, std::string_view secret) {
  std::string input = base64url_encode(header) + "." + base64url_encode(claims);
  return input + "." + base64url_encode(crypto::hmac_sha256(secret, input));
}

TEST(Jwt, SignsAndVerifiesItsOwnTokens) {
  const std::string token = sign_hs256(R"({"sub":"user-1","exp":1800000100})", "s3cret");
  const auto parts = split(token);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(decoded(parts[0]), R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(token.find('='), std::string::npos);
  auto claims = verify_hs256(token, "s3cret");
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->sub, "user-1");
  EXPECT_EQ(claims->exp, 1800000100.0);
  EXPECT_FALSE(claims->nbf);
}

TEST(Jwt, RefusesWrongSecretAndTampering) {
  const std::string token = sign_hs256(R"({"sub":"u","exp":1900000000})", "right");
  EXPECT_FALSE(verify_hs256(token, "wrong").ok());
  auto parts = split(token);
  const std::string forged =
      parts[0] + "." + base64url_encode(R"({"sub":"admin","exp":1})") + "." + parts[2];
  EXPECT_FALSE(verify_hs256(forged, "right").ok());
  EXPECT_FALSE(verify_hs256(token + "x", "right").ok());
}

TEST(Jwt, RefusesMalformedTokens) {
  for (const char* bad : {"", "abc", "a.b", "a.b.c.d", "a.b.c", "!!.??.**", "..", "e30.e30."}) {
    EXPECT_FALSE(verify_hs256(bad, "s").ok()) << bad;
  }
}

TEST(Jwt, RefusesOtherAlgorithmsEvenWhenSigned) {
  // alg "none" and HS512 headers, with a valid HS256 MAC over them: the header decides nothing.
  for (std::string_view header : {R"({"alg":"none"})", R"({"alg":"HS512","typ":"JWT"})", "[]",
                                  R"({"typ":"JWT"})", R"({"alg":5})"}) {
    const std::string token = with_header(header, R"({"sub":"u","exp":1900000000})", "s");
    EXPECT_FALSE(verify_hs256(token, "s").ok()) << header;
  }
  EXPECT_TRUE(
      verify_hs256(with_header(R"({"alg":"HS256"})", R"({"sub":"u","exp":1})", "s"), "s").ok());
}

TEST(Jwt, RefusesClaimsOfTheWrongType) {
  EXPECT_FALSE(verify_hs256(sign_hs256(R"({"sub":5,"exp":1900000000})", "s"), "s").ok());
  EXPECT_FALSE(verify_hs256(sign_hs256(R"({"sub":"u","exp":"soon"})", "s"), "s").ok());
  EXPECT_FALSE(verify_hs256(sign_hs256(R"({"iss":[],"exp":1})", "s"), "s").ok());
  EXPECT_FALSE(verify_hs256(sign_hs256(R"([1,2])", "s"), "s").ok());
  EXPECT_FALSE(verify_hs256(sign_hs256("not json", "s"), "s").ok());
}

TEST(Jwt, TimeChecks) {
  Claims c;
  EXPECT_EQ(check_time(c, 100), TimeVerdict::kNoExpiry);
  c.exp = 101;
  EXPECT_EQ(check_time(c, 100), TimeVerdict::kValid);
  EXPECT_EQ(check_time(c, 101), TimeVerdict::kExpired);  // exp is the first invalid second
  c.exp = 100.5;                                         // NumericDate may be fractional
  EXPECT_EQ(check_time(c, 100), TimeVerdict::kValid);
  c.nbf = 90;
  EXPECT_EQ(check_time(c, 90), TimeVerdict::kValid);
  EXPECT_EQ(check_time(c, 89), TimeVerdict::kNotYetValid);
}

// Moved from the Kling adapter's tests with the minting code.
TEST(IssuerToken, KnownVector) {
  // Signature computed independently with Python's hmac/hashlib/base64.urlsafe_b64encode.
  const std::string token =
      mint_issuer_token("sim-kling-access", "sim-kling-secret", 1'700'000'000, 1800);
  const auto parts = split(token);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(decoded(parts[0]), R"({"alg":"HS256","typ":"JWT"})");
  EXPECT_EQ(decoded(parts[1]), R"({"iss":"sim-kling-access","exp":1700001800,"nbf":1699999995})");
  EXPECT_EQ(token.find('='), std::string::npos);
  EXPECT_EQ(parts[2], "u7pMDzOAhq7dHaomWyUAUf4m-Bdbvg0CW2r9Mkq-W7A");
  auto claims = verify_hs256(token, "sim-kling-secret");
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->iss, "sim-kling-access");
  EXPECT_EQ(check_time(*claims, 1'700'000'000), TimeVerdict::kValid);
}

TEST(IssuerToken, EscapesTheIssuer) {
  const std::string token = mint_issuer_token("a\"b", "k", 0, 10);
  EXPECT_EQ(decoded(split(token)[1]), R"({"iss":"a\"b","exp":10,"nbf":-5})");
  EXPECT_EQ(verify_hs256(token, "k")->iss, "a\"b");
}

TEST(IssuerToken, CachedUntilFiveMinutesBeforeExpiry) {
  std::int64_t now = 1'700'000'000;
  IssuerTokenCache cache([&] { return now; });
  const std::string first = cache.token("ak", "sk");
  now += 1000;
  EXPECT_EQ(cache.token("ak", "sk"), first);
  now += 499;  // 1499 s: still more than 300 s before exp
  EXPECT_EQ(cache.token("ak", "sk"), first);
  now += 1;  // 1500 s: inside the refresh margin
  const std::string second = cache.token("ak", "sk");
  EXPECT_NE(second, first);
  EXPECT_EQ(decoded(split(second)[1]), R"({"iss":"ak","exp":1700003300,"nbf":1700001495})");
  EXPECT_NE(cache.token("other", "sk"), second);  // new keys, new token
}

}  // namespace
}  // namespace imagegen::jwt
