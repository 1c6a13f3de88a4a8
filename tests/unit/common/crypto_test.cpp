#include "common/crypto.h"

#include <gtest/gtest.h>

namespace imagegen::crypto {
namespace {

TEST(Crypto, Sha256KnownAnswer) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, Base64UrlRoundTripsAllLengths) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    data.push_back(static_cast<char>(i * 37));
    auto enc = base64url_encode(data);
    EXPECT_EQ(enc.find('='), std::string::npos);
    EXPECT_EQ(base64url_decode(enc), data);
  }
  EXPECT_EQ(base64url_decode("a+b/"), std::nullopt);  // standard alphabet is not base64url
}

TEST(Crypto, ApiKeysAreDistinctAndWellFormed) {
  auto a = new_api_key(), b = new_api_key();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 68u);
  EXPECT_EQ(a.substr(0, 4), "igk_");
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
}

}  // namespace
}  // namespace imagegen::crypto
