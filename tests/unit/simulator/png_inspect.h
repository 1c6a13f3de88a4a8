#pragma once
// Test helpers: decode base64 and take a PNG apart (chunks, CRCs, IHDR, inflated IDAT) with zlib
// alone, independently of the encoder under test.
#include <openssl/evp.h>
#include <zlib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imagegen::sim::testing {

inline std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

struct PngFacts {
  bool crcs_ok = true;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  int bit_depth = 0;
  int colour_type = 0;
  std::string idat;         // concatenated IDAT payloads
  std::string chunk_order;  // e.g. "IHDR IDAT IEND "
};

inline std::uint32_t read_u32(std::string_view s, std::size_t at) {
  return (std::uint32_t(std::uint8_t(s[at])) << 24) |
         (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

// nullopt when the signature is wrong or a chunk runs past the end.
inline std::optional<PngFacts> inspect_png(std::string_view png) {
  if (png.substr(0, 8) != std::string_view("\x89PNG\r\n\x1a\n", 8)) return std::nullopt;
  PngFacts facts;
  std::size_t at = 8;
  while (at + 12 <= png.size()) {
    const std::uint32_t length = read_u32(png, at);
    if (at + 12 + length > png.size()) return std::nullopt;
    const std::string_view type = png.substr(at + 4, 4);
    const std::string_view data = png.substr(at + 8, length);
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(png.data() + at + 4), length + 4);
    if (crc != read_u32(png, at + 8 + length)) facts.crcs_ok = false;
    facts.chunk_order += std::string(type) + " ";
    if (type == "IHDR" && length == 13) {
      facts.width = read_u32(data, 0);
      facts.height = read_u32(data, 4);
      facts.bit_depth = std::uint8_t(data[8]);
      facts.colour_type = std::uint8_t(data[9]);
    } else if (type == "IDAT") {
      facts.idat.append(data);
    }
    at += 12 + length;
    if (type == "IEND") break;
  }
  if (at != png.size()) return std::nullopt;
  return facts;
}

// The raw scanlines; nullopt when the stream does not inflate to exactly `expected` bytes.
inline std::optional<std::string> inflate_exactly(const std::string& deflated,
                                                  std::size_t expected) {
  std::string out(expected + 1, '\0');  // one spare byte to notice a stream that is too long
  uLongf size = static_cast<uLongf>(out.size());
  const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &size,
                            reinterpret_cast<const Bytef*>(deflated.data()),
                            static_cast<uLong>(deflated.size()));
  if (rc != Z_OK || size != expected) return std::nullopt;
  out.resize(size);
  return out;
}

}  // namespace imagegen::sim::testing
