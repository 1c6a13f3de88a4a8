#include "common/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace imagegen::crypto {
namespace {

TEST(Crypto, Sha256KnownAnswer) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha256KnownAnswer) {
  // RFC 4231 test case 2.
  const std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  std::string hex;
  for (unsigned char c : mac) {
    hex += "0123456789abcdef"[c >> 4];
    hex += "0123456789abcdef"[c & 0xF];
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, ApiKeysAreDistinctAndWellFormed) {
  auto a = new_api_key(), b = new_api_key();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 68u);
  EXPECT_EQ(a.substr(0, 4), "igk_");
}

TEST(Crypto, RandomIdsNeverRepeatAcrossPoolRefillsAndSizes) {
  // 12-byte ids run through the 4 KiB pool several times over; a repeated or zeroed helping
  // (a refill bug) shows up as a duplicate.
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = random_hex(i % 7 == 0 ? 16 : 12);
    EXPECT_EQ(id.size(), i % 7 == 0 ? 32u : 24u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
  // Bigger than the pool: straight from the generator.
  const std::string big = random_hex(5000);
  EXPECT_EQ(big.size(), 10000u);
  EXPECT_NE(big.substr(0, 64), std::string(64, '0'));
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace imagegen::crypto
