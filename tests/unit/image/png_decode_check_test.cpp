#include <gtest/gtest.h>

#include "common/image/image_probe.h"
#include "tests/unit/image/test_images.h"

namespace imagegen::image {
namespace {

using testing::make_png;
using testing::png_with_raw;

TEST(VerifyPngDecodes, AcceptsRgbImage) {
  auto info = verify_png_decodes(make_png(64, 48));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->width, 64u);
  EXPECT_EQ(info->height, 48u);
}

TEST(VerifyPngDecodes, AcceptsEveryColourTypeAndDepth) {
  struct Case {
    int colour;
    int depth;
  };
  for (const Case c : {Case{0, 1}, Case{0, 2}, Case{0, 4}, Case{0, 8}, Case{0, 16}, Case{2, 16},
                       Case{3, 1}, Case{3, 8}, Case{4, 8}, Case{6, 8}, Case{6, 16}}) {
    auto info = verify_png_decodes(make_png(13, 7, c.depth, c.colour));
    EXPECT_TRUE(info) << c.colour << "/" << c.depth << ": " << info.error().message;
  }
}

TEST(VerifyPngDecodes, AcceptsAdam7Interlaced) {
  // 5x3 RGB8. Adam7 passes: 1x1, 1x1, none (starts at row 4), 1x1, 3x1, 2x2, 5x1.
  const std::size_t rows[] = {1 * (1 + 3), 1 * (1 + 3), 0,           1 * (1 + 3),
                              1 * (1 + 9), 2 * (1 + 6), 1 * (1 + 15)};
  std::size_t total = 0;
  for (auto r : rows) total += r;
  auto info = verify_png_decodes(png_with_raw(5, 3, 8, 2, std::string(total, '\0'), 1));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_FALSE(verify_png_decodes(png_with_raw(5, 3, 8, 2, std::string(total - 1, '\0'), 1)));
}

TEST(VerifyPngDecodes, RejectsPixelDataShorterThanHeaderPromises) {
  // 10x10 RGB needs 10 * (1 + 30) bytes; give one scanline less.
  auto png = png_with_raw(10, 10, 8, 2, std::string(9 * 31, '\0'));
  ASSERT_TRUE(probe_image(png));  // the header alone looks fine
  EXPECT_FALSE(verify_png_decodes(png));
}

TEST(VerifyPngDecodes, RejectsPixelDataLongerThanHeaderPromises) {
  EXPECT_FALSE(verify_png_decodes(png_with_raw(10, 10, 8, 2, std::string(11 * 31, '\0'))));
}

TEST(VerifyPngDecodes, RejectsEveryTruncation) {
  const std::string png = make_png(8, 8);
  for (std::size_t n = 0; n < png.size(); ++n) {
    EXPECT_FALSE(verify_png_decodes(png.substr(0, n))) << "prefix " << n;
  }
}

TEST(VerifyPngDecodes, RejectsCorruptedCrc) {
  std::string png = make_png(8, 8);
  png[png.size() - 20] ^= 0x01;  // inside the last IDAT's data or CRC
  EXPECT_FALSE(verify_png_decodes(png));
}

TEST(VerifyPngDecodes, RejectsInvalidColourTypeDepthPair) {
  EXPECT_FALSE(verify_png_decodes(png_with_raw(2, 2, 4, 2, std::string(2 * 4, '\0'))));
}

TEST(VerifyPngDecodes, RejectsNonPngFormats) {
  EXPECT_FALSE(verify_png_decodes(testing::make_jpeg_header(8, 8)));
  EXPECT_FALSE(verify_png_decodes("garbage"));
}

TEST(VerifyPngDecodes, RejectsIdatThatIsNotZlib) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png += testing::png_ihdr(2, 2, 8, 0, 0);
  png += testing::png_chunk("IDAT", "this is not deflate data");
  png += testing::png_chunk("IEND", "");
  EXPECT_FALSE(verify_png_decodes(png));
}

}  // namespace
}  // namespace imagegen::image
