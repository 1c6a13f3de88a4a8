#pragma once
// Which pixel dimensions each family produces for what it was asked. Pure functions; the handlers
// turn a nullopt into that family's "invalid argument" answer.
#include <cstdint>
#include <optional>
#include <string_view>

namespace imagegen::sim {

struct Dimensions {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  bool operator==(const Dimensions&) const = default;
};

// Gemini `imageConfig`: `aspect_ratio` is one of the ten ratios Google lists (1:1 2:3 3:2 3:4
// 4:3 4:5 5:4 9:16 16:9 21:9; empty = 1:1) and `image_size` is "1K", "2K" or "4K" (empty = 1K).
//
// Every ratio keeps about one megapixel per "K" squared. The 1K sizes are the ones Google
// publishes for Gemini 2.5 Flash Image (1:1 = 1024x1024, 16:9 = 1344x768, 21:9 = 1536x672, ...):
// multiples of 32 close to sqrt(2^20 * w/h) by sqrt(2^20 * h/w). 2K and 4K double and quadruple
// both sides (1:1 = 2048x2048 and 4096x4096). Real per-ratio sizes differ slightly between
// Gemini models, so clients must read dimensions from the image, never from this table.
std::optional<Dimensions> gemini_dimensions(std::string_view aspect_ratio,
                                            std::string_view image_size);

// OpenAI `size`: 1024x1024, 1536x1024, 1024x1536, or auto (empty = auto = 1024x1024).
std::optional<Dimensions> openai_dimensions(std::string_view size);

// A "W:H" ratio (decimals allowed, e.g. "19.5:9") at about `side` x `side` pixels, both sides
// rounded to a multiple of `multiple`. nullopt for anything that is not two positive numbers
// within 1:16..16:1.
std::optional<Dimensions> ratio_dimensions(std::string_view ratio, std::uint32_t side,
                                           std::uint32_t multiple = 16);

// "WxH" (or "W*H" with separator '*') in pixels; nullopt unless both are positive integers.
std::optional<Dimensions> parse_pixel_size(std::string_view text, char separator);

}  // namespace imagegen::sim
