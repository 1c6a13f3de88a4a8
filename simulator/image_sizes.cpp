#include "simulator/image_sizes.h"

#include <array>
#include <charconv>
#include <cmath>

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

std::optional<Dimensions> gemini_dimensions(std::string_view aspect_ratio,
                                            std::string_view image_size) {
  const auto scale = gemini_scale(image_size);
  if (!scale) return std::nullopt;
  if (aspect_ratio.empty()) aspect_ratio = "1:1";
  for (const auto& entry : kGemini1K) {
    if (entry.ratio == aspect_ratio)
      return Dimensions{entry.at_1k.width * *scale, entry.at_1k.height * *scale};
  }
  return std::nullopt;
}

std::optional<Dimensions> openai_dimensions(std::string_view size) {
  if (size.empty() || size == "auto" || size == "1024x1024") return Dimensions{1024, 1024};
  if (size == "1536x1024") return Dimensions{1536, 1024};
  if (size == "1024x1536") return Dimensions{1024, 1536};
  return std::nullopt;
}

namespace {

std::optional<double> positive_number(std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !(value > 0))
    return std::nullopt;
  return value;
}

std::optional<std::uint32_t> positive_integer(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0)
    return std::nullopt;
  return value;
}

}  // namespace

std::optional<Dimensions> ratio_dimensions(std::string_view ratio, std::uint32_t side,
                                           std::uint32_t multiple) {
  const auto colon = ratio.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto w = positive_number(ratio.substr(0, colon));
  const auto h = positive_number(ratio.substr(colon + 1));
  if (!w || !h || *w / *h > 16 || *h / *w > 16) return std::nullopt;
  const double area = static_cast<double>(side) * side;
  const auto round_to = [multiple](double v) {
    return std::max(multiple, static_cast<std::uint32_t>(std::lround(v / multiple)) * multiple);
  };
  return Dimensions{round_to(std::sqrt(area * *w / *h)), round_to(std::sqrt(area * *h / *w))};
}

std::optional<Dimensions> parse_pixel_size(std::string_view text, char separator) {
  const auto at = text.find(separator);
  if (at == std::string_view::npos) return std::nullopt;
  const auto w = positive_integer(text.substr(0, at));
  const auto h = positive_integer(text.substr(at + 1));
  if (!w || !h) return std::nullopt;
  return Dimensions{*w, *h};
}

}  // namespace imagegen::sim
