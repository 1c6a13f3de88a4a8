#include "common/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace imagegen {
namespace {

// Each encoded text and the bytes it decodes to.
void expect_decodes(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [encoded, decoded] : cases)
    EXPECT_EQ(base64_decode(encoded), decoded) << encoded;
}

TEST(Base64Decode, DecodesPaddedInput) {
  expect_decodes(
      {{"aGVsbG8=", "hello"}, {"aGVsbG8h", "hello!"}, {"aGk=", "hi"}, {"aA==", "h"}, {"", ""}});
}

TEST(Base64Decode, AcceptsMissingPadding) { expect_decodes({{"aGVsbG8", "hello"}, {"aA", "h"}}); }

TEST(Base64Decode, KeepsZeroBytesThatAreData) {
  const std::string raw("\0\0\x01\xff\0", 5);
  EXPECT_EQ(base64_decode(base64_encode(raw)), raw);
}

TEST(Base64Decode, RoundTripsEveryLengthAndByte) {
  std::string raw;
  for (int i = 0; i < 300; ++i) {
    raw += static_cast<char>(i * 7);
    ASSERT_EQ(base64_decode(base64_encode(raw)), raw) << i;
  }
}

TEST(Base64Decode, RejectsWhitespaceAndLineBreaks) {
  EXPECT_FALSE(base64_decode("aGVs bG8="));
  EXPECT_FALSE(base64_decode("aGVs\nbG8="));
  EXPECT_FALSE(base64_decode(" aGVsbG8="));
  EXPECT_FALSE(base64_decode("aGVsbG8=\n"));
}

TEST(Base64Decode, RejectsForeignCharactersAndUrlSafeAlphabet) {
  EXPECT_FALSE(base64_decode("aGVs*G8="));
  EXPECT_FALSE(base64_decode("ab-_"));
  EXPECT_FALSE(base64_decode(std::string("aG\0s", 4)));
}

// Every byte outside the alphabet, at every position of a full quad and of a two- and a
// three-character tail, fails the whole text; every byte inside it decodes.
TEST(Base64Decode, RejectsEveryForeignByteAtEveryPosition) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (const std::string base : {"QUJDRA", "QUJDREU", "QUJD"}) {
    for (std::size_t pos = 0; pos < base.size(); ++pos) {
      for (int c = 0; c < 256; ++c) {
        std::string text = base;
        text[pos] = static_cast<char>(c);
        // "QUJ=" is correct padding: the one place where '=' belongs.
        const bool valid = alphabet.find(static_cast<char>(c)) != std::string::npos ||
                           (c == '=' && pos == base.size() - 1 && base.size() % 4 == 0);
        EXPECT_EQ(base64_decode(text).has_value(), valid) << base << " pos " << pos << " c " << c;
      }
    }
  }
}

// A plain bit-by-bit decoder to check the fast paths against (valid input only).
std::string reference_decode(const std::string& text) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    bits = (bits << 6) | static_cast<unsigned>(alphabet.find(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

// Long enough for the 16-character blocks (several of them, then the scalar rest): every byte
// at every position, valid ones decoded exactly as the reference does.
TEST(Base64Decode, BlockPathRejectsAndDecodesEveryByteAtEveryPosition) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string base;
  for (int i = 0; i < 70; ++i) base.push_back(alphabet[static_cast<std::size_t>(i * 29 % 64)]);
  for (std::size_t pos = 0; pos < base.size(); ++pos) {
    for (int c = 0; c < 256; ++c) {
      std::string text = base;
      text[pos] = static_cast<char>(c);
      const bool valid = alphabet.find(static_cast<char>(c)) != std::string::npos;
      const auto out = base64_decode(text);
      ASSERT_EQ(out.has_value(), valid) << "pos " << pos << " c " << c;
      if (valid) {
        ASSERT_EQ(*out, reference_decode(text)) << "pos " << pos << " c " << c;
      }
    }
  }
}

TEST(Base64Decode, LongInputsOfEveryLengthRoundTrip) {
  std::string raw;
  for (int i = 0; i < 2000; ++i) {
    raw.push_back(static_cast<char>(i * 131 + (i >> 3)));
    const std::string encoded = base64_encode(raw);
    ASSERT_EQ(base64_decode(encoded), raw) << i;
    std::string unpadded = encoded;
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    ASSERT_EQ(base64_decode(unpadded), raw) << i;
  }
}

TEST(Base64Decode, DecodesEveryCharacterToItsSixBits) {
  // "AAA" + one character: its value in the last six bits of the third byte.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t v = 0; v < alphabet.size(); ++v) {
    auto out = base64_decode(std::string("AAA") + alphabet[v]);
    ASSERT_TRUE(out);
    EXPECT_EQ(*out, std::string("\0\0", 2) + static_cast<char>(v)) << alphabet[v];
  }
}

TEST(Base64Decode, RejectsBadPadding) {
  EXPECT_FALSE(
      base64_decode("aGk"
                    "=="));                  // 3 chars + 2 pads: 5 is not a quad multiple
  EXPECT_FALSE(base64_decode("aGVsbG8=="));  // too much padding
  EXPECT_FALSE(base64_decode("a==="));
  EXPECT_FALSE(base64_decode("aG=k"));  // '=' in the middle
  EXPECT_FALSE(base64_decode("a"));     // one char cannot hold a byte
  EXPECT_FALSE(base64_decode("aGVsb"));
}

// Moved from the crypto tests with base64url itself.
TEST(Base64Url, RoundTripsAllLengths) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    data.push_back(static_cast<char>(i * 37));
    auto enc = base64url_encode(data);
    EXPECT_EQ(enc.find('='), std::string::npos);
    EXPECT_EQ(base64url_decode(enc), data);
  }
  EXPECT_EQ(base64url_decode("a+b/"), std::nullopt);  // standard alphabet is not base64url
}

TEST(Base64Url, UsesTheUrlSafeAlphabet) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
  EXPECT_EQ(base64url_decode("-_8="), "\xfb\xff");  // padding tolerated when correct
  EXPECT_FALSE(base64url_decode("-_8=="));
  EXPECT_FALSE(base64url_decode("a"));
}

}  // namespace
}  // namespace imagegen
