#pragma once
// Tiny hand-rolled encoders for test fixtures: real PNGs (zlib compress2 + crc32) and the header
// bytes of JPEG and WebP files. Header-only so the worker tests can reuse it.
#include <zlib.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace imagegen::testing {

inline void put_be32(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

inline std::string png_chunk(std::string_view type, std::string_view data) {
  std::string out;
  put_be32(out, static_cast<std::uint32_t>(data.size()));
  std::string td = std::string(type) + std::string(data);
  out += td;
  put_be32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(td.data()),
                                                 static_cast<uInt>(td.size()))));
  return out;
}

inline std::string zlib_compress(std::string_view raw) {
  uLongf len = compressBound(raw.size());
  std::string out(len, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &len,
                reinterpret_cast<const Bytef*>(raw.data()), raw.size(), 6) != Z_OK) {
    throw std::runtime_error("compress2 failed");
  }
  out.resize(len);
  return out;
}

inline std::string png_ihdr(std::uint32_t w, std::uint32_t h, int depth, int colour,
                            int interlace) {
  std::string d;
  put_be32(d, w);
  put_be32(d, h);
  d += static_cast<char>(depth);
  d += static_cast<char>(colour);
  d += '\0';  // compression
  d += '\0';  // filter
  d += static_cast<char>(interlace);
  return png_chunk("IHDR", d);
}

// A PNG whose IDAT inflates to exactly `raw` (the caller decides whether that size is right).
inline std::string png_with_raw(std::uint32_t w, std::uint32_t h, int depth, int colour,
                                std::string_view raw, int interlace = 0) {
  std::string out("\x89PNG\r\n\x1a\n", 8);
  out += png_ihdr(w, h, depth, colour, interlace);
  if (colour == 3) out += png_chunk("PLTE", std::string(6, '\x7f'));
  const std::string z = zlib_compress(raw);
  // Split IDAT in two chunks when possible: decoders must concatenate them.
  const std::size_t half = z.size() / 2;
  out += png_chunk("IDAT", z.substr(0, half));
  out += png_chunk("IDAT", z.substr(half));
  out += png_chunk("IEND", "");
  return out;
}

inline std::size_t png_row_bytes(std::uint32_t w, int depth, int channels) {
  return (static_cast<std::size_t>(w) * channels * depth + 7) / 8;
}

// A valid, non-interlaced PNG: every scanline uses filter 0 and a simple gradient.
inline std::string make_png(std::uint32_t w, std::uint32_t h, int depth = 8, int colour = 2) {
  const int channels = colour == 2 ? 3 : colour == 4 ? 2 : colour == 6 ? 4 : 1;
  std::string raw;
  const std::size_t row = png_row_bytes(w, depth, channels);
  for (std::uint32_t y = 0; y < h; ++y) {
    raw += '\0';
    for (std::size_t x = 0; x < row; ++x) raw += static_cast<char>((x + y) & 0x3f);
  }
  return png_with_raw(w, h, depth, colour, raw);
}

// Minimal JPEG header: SOI, an APP0 segment, then a SOFn frame header with the dimensions.
inline std::string make_jpeg_header(std::uint16_t w, std::uint16_t h, std::uint8_t sof = 0xC0) {
  std::string out("\xFF\xD8", 2);
  out += std::string("\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 18);
  out += '\xFF';
  out += static_cast<char>(sof);
  out += std::string("\x00\x11\x08", 3);  // length 17, precision 8
  out += static_cast<char>(h >> 8);
  out += static_cast<char>(h);
  out += static_cast<char>(w >> 8);
  out += static_cast<char>(w);
  out += std::string("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
  out += std::string("\xFF\xD9", 2);
  return out;
}

inline std::string riff_webp(std::string_view fourcc, std::string_view payload) {
  std::string chunk(fourcc);
  const auto n = static_cast<std::uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) chunk += static_cast<char>(n >> (8 * i));
  chunk += payload;
  std::string out("RIFF");
  const auto total = static_cast<std::uint32_t>(4 + chunk.size());
  for (int i = 0; i < 4; ++i) out += static_cast<char>(total >> (8 * i));
  out += "WEBP";
  out += chunk;
  return out;
}

}  // namespace imagegen::testing
