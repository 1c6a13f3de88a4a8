#pragma once
// Bounds-checked big/little-endian reads over a byte string. Internal to common/image.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace imagegen::image::detail {

inline std::uint8_t byte_at(std::string_view b, std::size_t i) {
  return static_cast<std::uint8_t>(b[i]);
}

// Callers check `off + 4 <= b.size()` (or 2, 3) before reading.
inline std::uint32_t be32(std::string_view b, std::size_t off) {
  return (std::uint32_t{byte_at(b, off)} << 24) | (std::uint32_t{byte_at(b, off + 1)} << 16) |
         (std::uint32_t{byte_at(b, off + 2)} << 8) | std::uint32_t{byte_at(b, off + 3)};
}
inline std::uint32_t be16(std::string_view b, std::size_t off) {
  return (std::uint32_t{byte_at(b, off)} << 8) | std::uint32_t{byte_at(b, off + 1)};
}
inline std::uint32_t le16(std::string_view b, std::size_t off) {
  return std::uint32_t{byte_at(b, off)} | (std::uint32_t{byte_at(b, off + 1)} << 8);
}
inline std::uint32_t le24(std::string_view b, std::size_t off) {
  return le16(b, off) | (std::uint32_t{byte_at(b, off + 2)} << 16);
}
inline std::uint32_t le32(std::string_view b, std::size_t off) {
  return le24(b, off) | (std::uint32_t{byte_at(b, off + 3)} << 24);
}

inline constexpr std::string_view kPngSignature{"\x89PNG\r\n\x1a\n", 8};

}  // namespace imagegen::image::detail
