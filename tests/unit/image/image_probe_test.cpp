#include "common/image/image_probe.h"

#include <gtest/gtest.h>

#include "tests/unit/image/test_images.h"

namespace imagegen::image {
namespace {

using testing::make_jpeg_header;
using testing::make_png;
using testing::riff_webp;

std::string le(std::uint32_t v, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += static_cast<char>(v >> (8 * i));
  return out;
}

TEST(ProbeImage, ReadsPngFormatAndDimensions) {
  auto info = probe_image(make_png(37, 11));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::kPng);
  EXPECT_EQ(info->mime, "image/png");
  EXPECT_EQ(info->ext, "png");
  EXPECT_EQ(info->width, 37u);
  EXPECT_EQ(info->height, 11u);
}

TEST(ProbeImage, ReadsBaselineJpegDimensions) {
  auto info = probe_image(make_jpeg_header(1376, 768));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::kJpeg);
  EXPECT_EQ(info->mime, "image/jpeg");
  EXPECT_EQ(info->ext, "jpg");
  EXPECT_EQ(info->width, 1376u);
  EXPECT_EQ(info->height, 768u);
}

TEST(ProbeImage, ReadsProgressiveJpegDimensions) {
  auto info = probe_image(make_jpeg_header(640, 480, 0xC2));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->width, 640u);
  EXPECT_EQ(info->height, 480u);
}

TEST(ProbeImage, SkipsJpegFillBytesAndDhtBeforeFrame) {
  std::string j("\xFF\xD8", 2);
  j += std::string("\xFF\xFF\xC4\x00\x04\xAA\xBB", 7);  // fill byte + DHT (C4 is not a SOF)
  j += make_jpeg_header(20, 10).substr(2);
  auto info = probe_image(j);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->width, 20u);
  EXPECT_EQ(info->height, 10u);
}

TEST(ProbeImage, RejectsJpegWithScanBeforeFrameHeader) {
  std::string j("\xFF\xD8\xFF\xDA\x00\x02\xFF\xD9", 8);
  EXPECT_FALSE(probe_image(j));
}

TEST(ProbeImage, RejectsJpegWithZeroHeight) { EXPECT_FALSE(probe_image(make_jpeg_header(10, 0))); }

TEST(ProbeImage, ReadsLossyWebpDimensions) {
  std::string payload("\x30\x01\x00\x9d\x01\x2a", 6);
  payload += le(1024, 2) + le(768 | 0x4000, 2);  // upper two bits are a scale field
  auto info = probe_image(riff_webp("VP8 ", payload));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->format, ImageFormat::kWebp);
  EXPECT_EQ(info->mime, "image/webp");
  EXPECT_EQ(info->ext, "webp");
  EXPECT_EQ(info->width, 1024u);
  EXPECT_EQ(info->height, 768u);
}

TEST(ProbeImage, ReadsLosslessWebpDimensions) {
  const std::uint32_t bits = (300 - 1) | ((200 - 1) << 14);
  auto info = probe_image(riff_webp("VP8L", "\x2f" + le(bits, 4) + std::string(8, '\0')));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->width, 300u);
  EXPECT_EQ(info->height, 200u);
}

TEST(ProbeImage, ReadsExtendedWebpCanvas) {
  auto info = probe_image(riff_webp("VP8X", std::string(4, '\0') + le(4095, 3) + le(2047, 3)));
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->width, 4096u);
  EXPECT_EQ(info->height, 2048u);
}

TEST(ProbeImage, RejectsWebpWithoutStartCode) {
  std::string payload("\x30\x01\x00\x00\x00\x00", 6);
  payload += le(10, 2) + le(10, 2);
  EXPECT_FALSE(probe_image(riff_webp("VP8 ", payload)));
}

TEST(ProbeImage, RejectsGarbageAndEmptyInput) {
  EXPECT_FALSE(probe_image(""));
  EXPECT_FALSE(probe_image("not an image at all"));
  EXPECT_FALSE(probe_image("{\"error\":\"nope\"}"));
  EXPECT_FALSE(probe_image(std::string(1000, '\0')));
  EXPECT_EQ(probe_image("GIF89a....").error().code, Errc::kInvalidArgument);
}

TEST(ProbeImage, RejectsEveryTruncatedHeader) {
  const std::string png = make_png(4, 4);
  for (std::size_t n = 0; n < 29; ++n) EXPECT_FALSE(probe_image(png.substr(0, n))) << n;
  EXPECT_TRUE(probe_image(png.substr(0, 29)));  // the header is all probe needs

  const std::string jpeg = make_jpeg_header(8, 8);
  const std::size_t frame_end = 2 + 18 + 2 + 7;  // SOI, APP0, SOF marker, up to the width
  for (std::size_t n = 0; n < frame_end; ++n) EXPECT_FALSE(probe_image(jpeg.substr(0, n))) << n;

  const std::string webp = riff_webp("VP8X", std::string(4, '\0') + le(9, 3) + le(9, 3));
  for (std::size_t n = 0; n < webp.size(); ++n) EXPECT_FALSE(probe_image(webp.substr(0, n))) << n;
}

}  // namespace
}  // namespace imagegen::image
