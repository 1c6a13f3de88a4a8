#include "simulator/image_sizes.h"

#include <array>

namespace imagegen::sim {
namespace {

struct RatioSize {
  std::string_view ratio;
  Dimensions at_1k;
};

constexpr std::array<RatioSize, 10> kGemini1K{{
    {"1:1", {1024, 1024}},
    {"2:3", {832, 1248}},
    {"3:2", {1248, 832}},
    {"3:4", {864, 1184}},
    {"4:3", {1184, 864}},
    {"4:5", {896, 1152}},
    {"5:4", {1152, 896}},
    {"9:16", {768, 1344}},
    {"16:9", {1344, 768}},
    {"21:9", {1536, 672}},
}};

std::optional<std::uint32_t> gemini_scale(std::string_view image_size) {
  if (image_size.empty() || image_size == "1K") return 1;
  if (image_size == "2K") return 2;
  if (image_size == "4K") return 4;
  return std::nullopt;  // Google wants upper-case K and nothing else
}

}  // namespace

std::optional<Dimensions> gemini_dimensions(std::string_view aspect_ratio, std::string_view image_size) {
  const auto scale = gemini_scale(image_size);
  if (!scale) return std::nullopt;
  if (aspect_ratio.empty()) aspect_ratio = "1:1";
  for (const auto& entry : kGemini1K) {
    if (entry.ratio == aspect_ratio) return Dimensions{entry.at_1k.width * *scale, entry.at_1k.height * *scale};
  }
  return std::nullopt;
}

std::optional<Dimensions> openai_dimensions(std::string_view size) {
  if (size.empty() || size == "auto" || size == "1024x1024") return Dimensions{1024, 1024};
  if (size == "1536x1024") return Dimensions{1536, 1024};
  if (size == "1024x1536") return Dimensions{1024, 1536};
  return std::nullopt;
}

}  // namespace imagegen::sim
