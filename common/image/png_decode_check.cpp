// verify_png_decodes: proves a PNG's pixel data really inflates to the size its header promises.
// Pixels are counted, never kept, so a decompression bomb costs time but no memory, and the
// count stops as soon as it passes the expected size.
#include <zlib.h>

#include <array>
#include <cstdint>
#include <string>

#include "common/image/byte_reader.h"
#include "common/image/image_probe.h"

namespace imagegen::image {
namespace {

using detail::be32;
using detail::byte_at;

Error bad(std::string what) { return make_error(Errc::kInvalidArgument, std::move(what)); }

struct Ihdr {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint8_t bit_depth = 0;
  std::uint8_t colour_type = 0;
  std::uint8_t interlace = 0;
};

// Samples per pixel for a colour type, or 0 when the (type, depth) pair is not allowed.
int channels_for(std::uint8_t colour_type, std::uint8_t depth) {
  const bool d8_16 = depth == 8 || depth == 16;
  switch (colour_type) {
    case 0:
      return (depth == 1 || depth == 2 || depth == 4 || d8_16) ? 1 : 0;
    case 2:
      return d8_16 ? 3 : 0;
    case 3:
      return (depth == 1 || depth == 2 || depth == 4 || depth == 8) ? 1 : 0;
    case 4:
      return d8_16 ? 2 : 0;
    case 6:
      return d8_16 ? 4 : 0;
    default:
      return 0;
  }
}

std::uint64_t scanlines_bytes(std::uint64_t w, std::uint64_t h, std::uint64_t bits_per_pixel) {
  if (w == 0 || h == 0) return 0;
  return h * (1 + (w * bits_per_pixel + 7) / 8);  // one filter-type byte per scanline
}

std::uint64_t expected_inflated_size(const Ihdr& ih, int channels) {
  const std::uint64_t bpp = static_cast<std::uint64_t>(channels) * ih.bit_depth;
  if (ih.interlace == 0) return scanlines_bytes(ih.width, ih.height, bpp);
  // Adam7: seven reduced images, each (x0, y0, dx, dy).
  constexpr std::array<std::array<std::uint32_t, 4>, 7> kPasses{{{0, 0, 8, 8},
                                                                 {4, 0, 8, 8},
                                                                 {0, 4, 4, 8},
                                                                 {2, 0, 4, 4},
                                                                 {0, 2, 2, 4},
                                                                 {1, 0, 2, 2},
                                                                 {0, 1, 1, 2}}};
  std::uint64_t total = 0;
  for (const auto& [x0, y0, dx, dy] : kPasses) {
    const std::uint64_t pw = ih.width > x0 ? (ih.width - x0 + dx - 1) / dx : 0;
    const std::uint64_t ph = ih.height > y0 ? (ih.height - y0 + dy - 1) / dy : 0;
    total += scanlines_bytes(pw, ph, bpp);
  }
  return total;
}

// Streams IDAT payloads through zlib, counting output bytes only.
class InflateCounter {
 public:
  InflateCounter() { ok_ = inflateInit(&z_) == Z_OK; }
  ~InflateCounter() { inflateEnd(&z_); }
  InflateCounter(const InflateCounter&) = delete;
  InflateCounter& operator=(const InflateCounter&) = delete;

  // Returns an error message, or empty on success.
  std::string feed(std::string_view data, std::uint64_t limit) {
    if (!ok_) return "zlib init failed";
    if (ended_) return data.empty() ? "" : "IDAT data after the end of the zlib stream";
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    while (z_.avail_in > 0) {
      z_.next_out = out_.data();
      z_.avail_out = static_cast<uInt>(out_.size());
      const int rc = inflate(&z_, Z_NO_FLUSH);
      produced_ += out_.size() - z_.avail_out;
      if (produced_ > limit) return "pixel data larger than the header promises";
      if (rc == Z_STREAM_END) {
        ended_ = true;
        return z_.avail_in == 0 ? "" : "IDAT data after the end of the zlib stream";
      }
      if (rc != Z_OK) return std::string("zlib: ") + (z_.msg ? z_.msg : "inflate failed");
    }
    return "";
  }
  bool ended() const { return ended_; }
  std::uint64_t produced() const { return produced_; }

 private:
  z_stream z_{};
  std::array<Bytef, 64 * 1024> out_{};
  bool ok_ = false;
  bool ended_ = false;
  std::uint64_t produced_ = 0;
};

}  // namespace

Result<ImageInfo> verify_png_decodes(std::string_view b) {
  auto info = probe_image(b);
  if (!info) return info;
  if (info->format != ImageFormat::kPng) return bad("not a PNG");
  const Ihdr ih{info->width, info->height, byte_at(b, 24), byte_at(b, 25), byte_at(b, 28)};
  const int channels = channels_for(ih.colour_type, ih.bit_depth);
  if (channels == 0) return bad("PNG colour type / bit depth not allowed");
  if (byte_at(b, 26) != 0 || byte_at(b, 27) != 0 || ih.interlace > 1) {
    return bad("PNG compression, filter or interlace method unknown");
  }
  const std::uint64_t expected = expected_inflated_size(ih, channels);

  InflateCounter inflater;
  bool seen_plte = false, seen_idat = false, seen_iend = false;
  std::size_t pos = 8;
  while (!seen_iend) {
    if (pos + 12 > b.size()) return bad("PNG truncated (no IEND)");
    const std::uint32_t len = be32(b, pos);
    if (len > 0x7fffffffu || pos + 12 + len > b.size()) return bad("PNG chunk truncated");
    const std::string_view type_and_data = b.substr(pos + 4, 4 + len);
    const auto crc = crc32(0, reinterpret_cast<const Bytef*>(type_and_data.data()),
                           static_cast<uInt>(type_and_data.size()));
    if (crc != be32(b, pos + 8 + len)) return bad("PNG chunk CRC mismatch");
    const std::string_view type = type_and_data.substr(0, 4);
    const std::string_view data = type_and_data.substr(4);
    if (type == "PLTE") seen_plte = true;
    if (type == "IDAT") {
      if (ih.colour_type == 3 && !seen_plte) return bad("PNG palette image without PLTE");
      seen_idat = true;
      if (auto err = inflater.feed(data, expected); !err.empty()) return bad("PNG " + err);
    }
    if (type == "IEND") seen_iend = true;
    pos += 12 + len;
  }
  if (!seen_idat) return bad("PNG has no IDAT");
  if (!inflater.ended()) return bad("PNG zlib stream truncated");
  if (inflater.produced() != expected) {
    return bad("PNG pixel data is " + std::to_string(inflater.produced()) + " bytes, expected " +
               std::to_string(expected));
  }
  return info;
}

}  // namespace imagegen::image
