#pragma once
// Writes real PNG files (RGB, 8 bits per channel) for synthetic pictures.
//
// The picture is a horizontal colour gradient repeated on every row. Row 0 uses filter type 0
// (None) and every later row filter type 2 (Up) with all-zero differences, so the raw scanlines
// are almost entirely zeros and the IDAT stream is tiny: a 1024x1024 image is about 5 KB, a
// 4096x4096 one about 60 KB. That keeps replies cheap at benchmark rates while still handing out
// files of the requested dimensions that any decoder accepts. Encoding uses zlib's best level,
// which costs ~10 ms at 1K and ~150 ms at 4K, so callers cache the result (ImageCache).
#include <cstdint>
#include <string>

namespace imagegen::sim {

// `variant` shifts the colours, so a thought image is visibly different from the final one.
std::string encode_gradient_png(std::uint32_t width, std::uint32_t height,
                                std::uint8_t variant = 0);

}  // namespace imagegen::sim
