#include "simulator/png_encoder.h"

#include <zlib.h>

#include <stdexcept>
#include <string_view>
#include <vector>

namespace imagegen::sim {
namespace {

constexpr std::string_view kSignature{"\x89PNG\r\n\x1a\n", 8};
constexpr std::uint8_t kFilterNone = 0;
constexpr std::uint8_t kFilterUp = 2;

void put_u32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

// length, type, data, then the CRC of type + data (PNG spec section 5.3).
void put_chunk(std::string& out, std::string_view type, std::string_view data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::size_t type_at = out.size();
  out.append(type);
  out.append(data);
  const auto* crc_from = reinterpret_cast<const Bytef*>(out.data() + type_at);
  put_u32(out, static_cast<std::uint32_t>(
                   crc32(0L, crc_from, static_cast<uInt>(type.size() + data.size()))));
}

std::vector<std::uint8_t> scanlines(std::uint32_t width, std::uint32_t height,
                                    std::uint8_t variant) {
  const std::size_t row_bytes = 1 + 3 * static_cast<std::size_t>(width);
  std::vector<std::uint8_t> raw(row_bytes * height, 0);  // rows 1.. are "Up" with zero deltas
  raw[0] = kFilterNone;
  for (std::uint32_t x = 0; x < width; ++x) {
    const auto t = static_cast<std::uint8_t>((static_cast<std::uint64_t>(x) * 255) /
                                             (width > 1 ? width - 1 : 1));
    std::uint8_t* px = &raw[1 + 3 * static_cast<std::size_t>(x)];
    px[0] = static_cast<std::uint8_t>(t + variant * 85);
    px[1] = static_cast<std::uint8_t>(255 - t);
    px[2] = static_cast<std::uint8_t>(128 + variant * 40);
  }
  for (std::uint32_t y = 1; y < height; ++y) raw[y * row_bytes] = kFilterUp;
  return raw;
}

}  // namespace

std::string encode_gradient_png(std::uint32_t width, std::uint32_t height, std::uint8_t variant) {
  if (width == 0 || height == 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw std::invalid_argument("png dimensions out of range");  // a caller bug, not input
  }
  const std::vector<std::uint8_t> raw = scanlines(width, height, variant);

  std::string idat(compressBound(static_cast<uLong>(raw.size())), '\0');
  uLongf idat_size = static_cast<uLongf>(idat.size());
  if (compress2(reinterpret_cast<Bytef*>(idat.data()), &idat_size, raw.data(),
                static_cast<uLong>(raw.size()), Z_BEST_COMPRESSION) != Z_OK) {
    throw std::runtime_error("zlib compress2 failed");
  }
  idat.resize(idat_size);

  std::string ihdr;
  put_u32(ihdr, width);
  put_u32(ihdr, height);
  ihdr.push_back(8);  // bit depth
  ihdr.push_back(2);  // colour type: truecolour RGB
  ihdr.push_back(0);  // compression: deflate
  ihdr.push_back(0);  // filter method 0
  ihdr.push_back(0);  // no interlace

  std::string png;
  png.reserve(kSignature.size() + 3 * 12 + ihdr.size() + idat.size());
  png.append(kSignature);
  put_chunk(png, "IHDR", ihdr);
  put_chunk(png, "IDAT", idat);
  put_chunk(png, "IEND", {});
  return png;
}

}  // namespace imagegen::sim
