#include "simulator/png_encoder.h"

#include <gtest/gtest.h>

#include "png_inspect.h"

namespace imagegen::sim {
namespace {

using testing::inflate_exactly;
using testing::inspect_png;

TEST(SimPngEncoder, WritesSignatureChunksAndValidCrcs) {
  const auto png = encode_gradient_png(64, 32);
  const auto facts = inspect_png(png);
  ASSERT_TRUE(facts);
  EXPECT_TRUE(facts->crcs_ok);
  EXPECT_EQ(facts->chunk_order, "IHDR IDAT IEND ");
  EXPECT_EQ(facts->bit_depth, 8);
  EXPECT_EQ(facts->colour_type, 2);  // RGB
}

TEST(SimPngEncoder, RoundTripsDimensionsAndScanlineBytes) {
  for (const auto& [w, h] : {std::pair{1u, 1u}, {1024u, 1024u}, {1344u, 768u}, {7u, 300u}}) {
    const auto facts = inspect_png(encode_gradient_png(w, h));
    ASSERT_TRUE(facts);
    EXPECT_EQ(facts->width, w);
    EXPECT_EQ(facts->height, h);
    const auto raw = inflate_exactly(facts->idat, std::size_t(h) * (1 + 3 * std::size_t(w)));
    ASSERT_TRUE(raw) << w << "x" << h;
    EXPECT_EQ((*raw)[0], 0);  // row 0: filter None
    if (h > 1) {
      EXPECT_EQ((*raw)[1 + 3 * std::size_t(w)], 2);  // later rows: filter Up
    }
  }
}

TEST(SimPngEncoder, StaysSmallForLargeImages) {
  EXPECT_LT(encode_gradient_png(1024, 1024).size(), 16u * 1024);
  EXPECT_LT(encode_gradient_png(4096, 4096).size(), 128u * 1024);
}

TEST(SimPngEncoder, VariantChangesPixelsNotShape) {
  const auto a = encode_gradient_png(64, 64, 0);
  const auto b = encode_gradient_png(64, 64, 1);
  EXPECT_NE(a, b);
  EXPECT_EQ(inspect_png(b)->width, 64u);
}

TEST(SimPngEncoder, RefusesZeroDimensions) {
  EXPECT_THROW(encode_gradient_png(0, 10), std::invalid_argument);
  EXPECT_THROW(encode_gradient_png(10, 0), std::invalid_argument);
}

}  // namespace
}  // namespace imagegen::sim
