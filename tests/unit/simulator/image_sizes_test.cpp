#include "simulator/image_sizes.h"

#include <gtest/gtest.h>

#include <cmath>

#include "png_inspect.h"
#include "simulator/image_cache.h"

namespace imagegen::sim {
namespace {

TEST(SimImageSizes, GeminiSquareScalesWithImageSize) {
  EXPECT_EQ(gemini_dimensions("1:1", "1K"), (Dimensions{1024, 1024}));
  EXPECT_EQ(gemini_dimensions("1:1", "2K"), (Dimensions{2048, 2048}));
  EXPECT_EQ(gemini_dimensions("1:1", "4K"), (Dimensions{4096, 4096}));
}

TEST(SimImageSizes, GeminiDefaultsToSquareAt1K) {
  EXPECT_EQ(gemini_dimensions("", ""), (Dimensions{1024, 1024}));
  EXPECT_EQ(gemini_dimensions("16:9", ""), (Dimensions{1344, 768}));
}

TEST(SimImageSizes, GeminiWideAndTallRatios) {
  EXPECT_EQ(gemini_dimensions("16:9", "1K"), (Dimensions{1344, 768}));
  EXPECT_EQ(gemini_dimensions("9:16", "1K"), (Dimensions{768, 1344}));
  EXPECT_EQ(gemini_dimensions("21:9", "2K"), (Dimensions{3072, 1344}));
  EXPECT_EQ(gemini_dimensions("3:2", "4K"), (Dimensions{4992, 3328}));
}

TEST(SimImageSizes, GeminiEveryRatioKeepsAboutOneMegapixelAndItsShape) {
  for (const auto& [ratio, w, h] : {std::tuple{"1:1", 1, 1},
                                    {"2:3", 2, 3},
                                    {"3:2", 3, 2},
                                    {"3:4", 3, 4},
                                    {"4:3", 4, 3},
                                    {"4:5", 4, 5},
                                    {"5:4", 5, 4},
                                    {"9:16", 9, 16},
                                    {"16:9", 16, 9},
                                    {"21:9", 21, 9}}) {
    const auto d = gemini_dimensions(ratio, "1K");
    ASSERT_TRUE(d) << ratio;
    const double area = double(d->width) * d->height;
    EXPECT_NEAR(area / (1024.0 * 1024.0), 1.0, 0.05) << ratio;
    EXPECT_NEAR(double(d->width) / d->height, double(w) / h, 0.05 * w / h) << ratio;
    EXPECT_EQ(d->width % 16, 0u) << ratio;
    EXPECT_EQ(d->height % 16, 0u) << ratio;
  }
}

TEST(SimImageSizes, GeminiRefusesUnknownRatiosAndSizes) {
  EXPECT_FALSE(gemini_dimensions("7:3", "1K"));
  EXPECT_FALSE(gemini_dimensions("16x9", "1K"));
  EXPECT_FALSE(gemini_dimensions("1:1", "1k"));  // Google wants an upper-case K
  EXPECT_FALSE(gemini_dimensions("1:1", "8K"));
}

TEST(SimImageSizes, OpenAiSizes) {
  EXPECT_EQ(openai_dimensions(""), (Dimensions{1024, 1024}));
  EXPECT_EQ(openai_dimensions("auto"), (Dimensions{1024, 1024}));
  EXPECT_EQ(openai_dimensions("1024x1024"), (Dimensions{1024, 1024}));
  EXPECT_EQ(openai_dimensions("1536x1024"), (Dimensions{1536, 1024}));
  EXPECT_EQ(openai_dimensions("1024x1536"), (Dimensions{1024, 1536}));
  EXPECT_FALSE(openai_dimensions("512x512"));
  EXPECT_FALSE(openai_dimensions("1792x1024"));
}

TEST(SimImageCache, EncodesOnceAndSharesTheResult) {
  ImageCache cache;
  const auto a = cache.png(32, 16);
  const auto b = cache.png(32, 16);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(testing::base64_decode(a->base64), a->bytes);
  EXPECT_EQ(testing::inspect_png(a->bytes)->width, 32u);
}

TEST(SimImageCache, StaysBounded) {
  ImageCache cache(3);
  for (std::uint32_t w = 1; w <= 10; ++w) cache.png(w, 1);
  EXPECT_LE(cache.size(), 3u);
}

TEST(SimImageCache, GarbageIsNoKnownImageFormat) {
  const std::string& bytes = ImageCache::garbage()->bytes;
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_NE(bytes.substr(0, 4), "\x89PNG");
  EXPECT_NE(bytes.substr(0, 3), "\xff\xd8\xff");                               // JPEG
  EXPECT_FALSE(bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP");  // WebP
  EXPECT_NE(bytes.substr(0, 3), "GIF");
  EXPECT_EQ(testing::base64_decode(ImageCache::garbage()->base64), bytes);
}

}  // namespace
}  // namespace imagegen::sim

namespace imagegen::sim {
namespace {

TEST(SimRatioDimensions, KeepsTheAreaAndRoundsToTheMultiple) {
  EXPECT_EQ(ratio_dimensions("1:1", 1024), (Dimensions{1024, 1024}));
  EXPECT_EQ(ratio_dimensions("16:9", 1024), (Dimensions{1360, 768}));
  EXPECT_EQ(ratio_dimensions("19.5:9", 1024, 8), (Dimensions{1504, 696}));
  EXPECT_FALSE(ratio_dimensions("17:1", 1024));
  EXPECT_FALSE(ratio_dimensions("auto", 1024));
  EXPECT_FALSE(ratio_dimensions("0:1", 1024));
}

TEST(SimPixelSize, ParsesBothSeparators) {
  EXPECT_EQ(parse_pixel_size("2560x1440", 'x'), (Dimensions{2560, 1440}));
  EXPECT_EQ(parse_pixel_size("1280*1280", '*'), (Dimensions{1280, 1280}));
  EXPECT_FALSE(parse_pixel_size("1280x1280", '*'));
  EXPECT_FALSE(parse_pixel_size("0x10", 'x'));
  EXPECT_FALSE(parse_pixel_size("12x", 'x'));
}

}  // namespace
}  // namespace imagegen::sim
