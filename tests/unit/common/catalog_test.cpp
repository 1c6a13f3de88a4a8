#include "common/catalog.h"

#include <gtest/gtest.h>

namespace imagegen {
namespace {

Catalog load_shipped() {
  auto c = Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json");
  EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
  return std::move(c.value());
}

TEST(Catalog, ShippedCatalogHasEverySpecModel) {
  Catalog c = load_shipped();
  EXPECT_EQ(c.models().size(), kAllModelKeys.size());
  for (auto key : kAllModelKeys) EXPECT_NE(c.find(key), nullptr) << key;
}

TEST(Catalog, TiersFollowTheDesign) {
  Catalog c = load_shipped();
  for (auto key : {"nano-banana", "flux-2-klein-4b", "flux-2-klein-9b", "gpt-image-1-mini",
                   "grok-imagine-image", "seedream-4-0", "wan-2-6-image"}) {
    EXPECT_EQ(c.find(key)->required_tier, Tier::kFree) << key;
  }
  for (const auto& m : c.models()) {
    if (m.required_tier == Tier::kFree) continue;
    EXPECT_EQ(m.required_tier, Tier::kPro);
  }
  EXPECT_EQ(c.find("flux-2-pro")->required_tier, Tier::kPro);
  EXPECT_EQ(c.find("gpt-image-1")->required_tier, Tier::kPro);
}

TEST(Catalog, FamiliesAndCapabilities) {
  Catalog c = load_shipped();
  EXPECT_EQ(c.find("nano-banana")->provider, "gemini");
  EXPECT_EQ(c.find("nano-banana")->upstream_id, "gemini-2.5-flash-image");
  EXPECT_EQ(c.find("gpt-image-1")->provider, "openai");
  EXPECT_EQ(c.find("gpt-image-1")->max_images_per_call, 10);
  EXPECT_FALSE(c.find("nano-banana")->allows_resolution("2K"));
  EXPECT_TRUE(c.find("nano-banana-pro")->allows_resolution("4K"));
  EXPECT_FALSE(c.find("seedream-4-5")->allows_resolution("1K"));
  EXPECT_FALSE(c.find("kling-image-v3")->allows_aspect_ratio("4:5"));
  EXPECT_FALSE(c.find("gpt-image-1")->seed);
}

TEST(Catalog, CostIsPerImagePerResolution) {
  Catalog c = load_shipped();
  const ModelInfo* pro = c.find("nano-banana-pro");
  EXPECT_EQ(pro->credits_for("1K"), 15);
  EXPECT_EQ(pro->credits_for("4K"), 25);
  EXPECT_EQ(c.find("nano-banana")->credits_for("2K"), std::nullopt);
}

std::string one_model(const std::string& extra) {
  std::string models = R"({"models":[)";
  bool first = true;
  for (auto key : kAllModelKeys) {
    if (!first) models += ",";
    first = false;
    models +=
        R"({"key":")" + std::string(key) +
        R"(","provider":"openai","upstreamId":"x","tier":"free","credits":{"1K":1},"aspectRatios":["1:1"],)"
        R"("seed":false,"negativePrompt":false,"maxImagesPerCall":1,"maxPromptChars":100)" +
        (key == kAllModelKeys[0] ? extra : std::string()) + "}";
  }
  return models + "]}";
}

TEST(Catalog, MinimalValidCatalogLoads) { EXPECT_TRUE(Catalog::from_json(one_model("")).ok()); }

TEST(Catalog, RefusesUnknownFields) {
  auto c = Catalog::from_json(one_model(R"(,"colour":"blue")"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("colour"), std::string::npos);
}

TEST(Catalog, RefusesBadValues) {
  EXPECT_FALSE(Catalog::from_json(R"({"models":[]})").ok());  // models missing
  EXPECT_FALSE(Catalog::from_json("not json").ok());
  std::string bad_family = one_model("");
  bad_family.replace(bad_family.find("openai"), 6, "acme00");
  EXPECT_FALSE(Catalog::from_json(bad_family).ok());
  std::string bad_ratio = one_model("");
  bad_ratio.replace(bad_ratio.find("1:1"), 3, "7:3");
  EXPECT_FALSE(Catalog::from_json(bad_ratio).ok());
  std::string zero_cost = one_model("");
  zero_cost.replace(zero_cost.find(R"("1K":1)"), 6, R"("1K":0)");
  EXPECT_FALSE(Catalog::from_json(zero_cost).ok());
}

}  // namespace
}  // namespace imagegen
