// The shared `data[]` images envelope (openai, xai, byteplus) on its own.
#include "worker/providers/images_envelope.h"

#include <gtest/gtest.h>

#include "tests/unit/worker/providers/provider_test_util.h"

namespace imagegen::worker {
namespace {

constexpr std::string_view kPngB64 = "iVBORw0KGgo=";  // "\x89PNG\r\n\x1a\n"

std::string body(std::string items, std::string extra = "") {
  return R"({"created":1,)" + extra + R"("data":[)" + items + "]}";
}

TEST(ImagesEnvelope, Base64AndUrlEntries) {
  const auto got = expect_images(
      parse_images_envelope(response(200, body(R"({"b64_json":")" + std::string(kPngB64) +
                                               R"("},{"url":"https://cdn/x.png"})")),
                            ImagesEnvelope{.default_mime = "image/jpeg"}));
  ASSERT_EQ(got.images.size(), 1u);
  EXPECT_EQ(got.images[0].bytes, "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(got.images[0].mime, "image/jpeg");
  EXPECT_EQ(got.urls, std::vector<std::string>{"https://cdn/x.png"});
}

TEST(ImagesEnvelope, MimeFromTheEntryThenTheFormatThenTheDefault) {
  const std::string item =
      R"({"b64_json":")" + std::string(kPngB64) + R"(","mime_type":"image/webp"})";
  const ImagesEnvelope shape{
      .mime_field = "mime_type", .format_field = "output_format", .default_mime = "image/png"};
  EXPECT_EQ(expect_images(parse_images_envelope(response(200, body(item)), shape)).images[0].mime,
            "image/webp");
  const std::string plain = R"({"b64_json":")" + std::string(kPngB64) + R"("})";
  EXPECT_EQ(expect_images(parse_images_envelope(
                              response(200, body(plain, R"("output_format":"jpg",)")), shape))
                .images[0]
                .mime,
            "image/jpeg");
  EXPECT_EQ(expect_images(parse_images_envelope(response(200, body(plain)), shape)).images[0].mime,
            "image/png");
}

TEST(ImagesEnvelope, UrlsOnlyWhereTheFamilyTakesThem) {
  const ProviderError e = expect_error(parse_images_envelope(
      response(200, body(R"({"url":"https://cdn/x.png"})")), ImagesEnvelope{.urls = false}));
  EXPECT_EQ(e.kind, ProviderErrorKind::kMalformed);
  EXPECT_EQ(e.message, "data entry without b64_json");
}

TEST(ImagesEnvelope, ABadEntryAmongGoodOnesIsAShortDelivery) {
  const auto got = expect_images(parse_images_envelope(
      response(200, body(R"({"b64_json":"***"},{"b64_json":")" + std::string(kPngB64) + R"("})")),
      ImagesEnvelope{}));
  EXPECT_EQ(got.images.size(), 1u);
  EXPECT_EQ(expect_error(parse_images_envelope(response(200, body(R"({"b64_json":"***"})")),
                                               ImagesEnvelope{}))
                .message,
            "b64_json is not valid base64");
}

TEST(ImagesEnvelope, EntryErrorsAreRefusalsWhereTheFamilySaysSo) {
  const ImagesEnvelope shape{
      .entry_refused = [](std::string_view code) { return code == "Sensitive"; }};
  const ProviderError refused = expect_error(parse_images_envelope(
      response(200, body(R"({"error":{"code":"Sensitive","message":"no"}})")), shape));
  EXPECT_EQ(refused.kind, ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(refused.message, "image failed: Sensitive: no");
  EXPECT_EQ(expect_error(parse_images_envelope(
                             response(200, body(R"({"error":{"code":"Internal"}})")), shape))
                .kind,
            ProviderErrorKind::kMalformed);
}

TEST(ImagesEnvelope, NoDataOrNoJsonIsMalformed) {
  EXPECT_EQ(expect_error(parse_images_envelope(response(200, "{}"), ImagesEnvelope{})).message,
            "response has no data array");
  EXPECT_EQ(expect_error(parse_images_envelope(response(200, "<html>"), ImagesEnvelope{})).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(parse_images_envelope(response(200, body("")), ImagesEnvelope{})).message,
            "response has no images");
}

}  // namespace
}  // namespace imagegen::worker
