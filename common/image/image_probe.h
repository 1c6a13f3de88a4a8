#pragma once
// Recognises the image formats providers deliver (PNG, JPEG, WebP) from their bytes alone, so the
// worker never stores or bills for something that is not an image. Pure functions, no I/O.
#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace imagegen::image {

enum class ImageFormat { kPng, kJpeg, kWebp };

struct ImageInfo {
  ImageFormat format = ImageFormat::kPng;
  std::string_view mime;  // "image/png" | "image/jpeg" | "image/webp" (static storage)
  std::string_view ext;   // "png" | "jpg" | "webp" (static storage)
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

// Detects the format by magic bytes and reads the pixel dimensions from the header
// (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X). Fails with kInvalidArgument for anything else,
// including truncated headers and zero dimensions. Does not decode pixel data.
Result<ImageInfo> probe_image(std::string_view bytes);

// Stronger PNG check: walks every chunk (CRCs included), inflates the concatenated IDAT data with
// zlib and checks the decompressed size is exactly what IHDR promises (filter byte + packed row
// per scanline, Adam7 passes included). Fails with kInvalidArgument on any mismatch.
Result<ImageInfo> verify_png_decodes(std::string_view bytes);

}  // namespace imagegen::image
