#include "common/image/image_probe.h"

#include <string>

#include "common/image/byte_reader.h"

namespace imagegen::image {
namespace {

using detail::be16;
using detail::be32;
using detail::byte_at;
using detail::le16;
using detail::le24;
using detail::le32;

Error bad(std::string what) { return make_error(Errc::kInvalidArgument, std::move(what)); }

Result<ImageInfo> make_info(ImageFormat f, std::uint32_t w, std::uint32_t h) {
  if (w == 0 || h == 0) return bad("image has a zero dimension");
  switch (f) {
    case ImageFormat::kPng:
      return ImageInfo{f, "image/png", "png", w, h};
    case ImageFormat::kJpeg:
      return ImageInfo{f, "image/jpeg", "jpg", w, h};
    case ImageFormat::kWebp:
      return ImageInfo{f, "image/webp", "webp", w, h};
  }
  return bad("unknown format");
}

Result<ImageInfo> probe_png(std::string_view b) {
  // Signature, then IHDR must be the first chunk: length 13, type, width, height.
  constexpr std::size_t kIhdrEnd = 8 + 8 + 13;
  if (b.size() < kIhdrEnd) return bad("PNG truncated before IHDR");
  if (be32(b, 8) != 13 || b.substr(12, 4) != "IHDR") return bad("PNG does not start with IHDR");
  const std::uint32_t w = be32(b, 16);
  const std::uint32_t h = be32(b, 20);
  // The PNG spec caps dimensions at 2^31-1.
  if (w > 0x7fffffffu || h > 0x7fffffffu) return bad("PNG dimension out of range");
  return make_info(ImageFormat::kPng, w, h);
}

bool is_jpeg_sof(std::uint8_t m) {
  // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

Result<ImageInfo> probe_jpeg(std::string_view b) {
  std::size_t pos = 2;  // after SOI
  while (true) {
    if (pos >= b.size()) return bad("JPEG truncated before a frame header");
    if (byte_at(b, pos) != 0xFF) return bad("JPEG marker expected");
    while (pos < b.size() && byte_at(b, pos) == 0xFF) ++pos;  // fill bytes
    if (pos >= b.size()) return bad("JPEG truncated in a marker");
    const std::uint8_t marker = byte_at(b, pos++);
    if (marker == 0xD9 || marker == 0xDA) return bad("JPEG has no frame header before its scan");
    if ((marker >= 0xD0 && marker <= 0xD8) || marker == 0x01) continue;  // no length field
    if (pos + 2 > b.size()) return bad("JPEG truncated in a segment length");
    const std::uint32_t len = be16(b, pos);
    if (len < 2) return bad("JPEG segment length too small");
    if (is_jpeg_sof(marker)) {
      if (len < 7 || pos + 7 > b.size()) return bad("JPEG frame header truncated");
      return make_info(ImageFormat::kJpeg, be16(b, pos + 5), be16(b, pos + 3));
    }
    pos += len;
  }
}

Result<ImageInfo> probe_webp(std::string_view b) {
  constexpr std::size_t kData = 20;  // RIFF header (12) + first chunk header (8)
  if (b.size() < kData + 10) return bad("WebP truncated before its image header");
  const std::string_view fourcc = b.substr(12, 4);
  if (fourcc == "VP8 ") {
    // Lossy: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
    if (b.substr(kData + 3, 3) != "\x9d\x01\x2a") return bad("WebP VP8 start code missing");
    return make_info(ImageFormat::kWebp, le16(b, kData + 6) & 0x3FFF, le16(b, kData + 8) & 0x3FFF);
  }
  if (fourcc == "VP8L") {
    // Lossless: signature byte 0x2f, then width-1 and height-1 in 14 bits each.
    if (byte_at(b, kData) != 0x2F) return bad("WebP VP8L signature missing");
    const std::uint32_t bits = le32(b, kData + 1);
    return make_info(ImageFormat::kWebp, (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
  }
  if (fourcc == "VP8X") {
    // Extended: flags (1) + reserved (3), then canvas width-1 and height-1 in 24 bits each.
    return make_info(ImageFormat::kWebp, le24(b, kData + 4) + 1, le24(b, kData + 7) + 1);
  }
  return bad("WebP has an unknown first chunk");
}

}  // namespace

Result<ImageInfo> probe_image(std::string_view bytes) {
  if (bytes.substr(0, 8) == detail::kPngSignature) return probe_png(bytes);
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF") return probe_jpeg(bytes);
  if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") {
    return probe_webp(bytes);
  }
  return bad("not a PNG, JPEG or WebP image");
}

}  // namespace imagegen::image
