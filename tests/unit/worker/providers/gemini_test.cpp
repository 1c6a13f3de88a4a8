#include "worker/providers/gemini.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "tests/unit/worker/providers/provider_test_util.h"
#include "tests/unit/worker/test_fixtures.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://generativelanguage.googleapis.com", "g-key-123"};

// --- requests ---

TEST(GeminiRequest, NanoBananaGolden) {
  const JobSpec job = testing::make_job(
      "nano-banana", 2,
      {.prompt = "A sunset over mountains, oil painting style", .aspect_ratio = "16:9"});
  HttpRequest req = GeminiFamily().build_request(testing::nano_banana(), job, 1, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url,
            "https://generativelanguage.googleapis.com/v1beta/models/"
            "gemini-2.5-flash-image:generateContent");
  EXPECT_EQ(req.headers,
            (HeaderList{{"Content-Type", "application/json"}, {"x-goog-api-key", "g-key-123"}}));
  // No imageSize: gemini-2.5-flash-image is 1K-only and rejects or ignores it.
  EXPECT_EQ(
      req.body,
      R"({"contents":[{"role":"user","parts":[{"text":"A sunset over mountains, oil painting style"}]}],)"
      R"("generationConfig":{"responseModalities":["IMAGE"],"imageConfig":{"aspectRatio":"16:9"}}})");
}

TEST(GeminiRequest, ProModelSendsImageSizeSeedAndFoldsNegativePrompt) {
  const JobSpec job = testing::make_job("nano-banana-pro", 1,
                                        {.prompt = "A \"quoted\" cat",
                                         .negative_prompt = "blur, text",
                                         .seed = 4294967295u,
                                         .aspect_ratio = "9:16",
                                         .resolution = "2K"});
  HttpRequest req = GeminiFamily().build_request(testing::nano_banana_pro(), job, 1, kEndpoint);
  EXPECT_EQ(req.url,
            "https://generativelanguage.googleapis.com/v1beta/models/"
            "gemini-3-pro-image-preview:generateContent");
  EXPECT_EQ(
      req.body,
      R"({"contents":[{"role":"user","parts":[{"text":"A \"quoted\" cat\n\nAvoid: blur, text"}]}],)"
      R"("generationConfig":{"responseModalities":["IMAGE"],)"
      R"("imageConfig":{"aspectRatio":"9:16","imageSize":"2K"},"seed":4294967295}})");
}

TEST(GeminiRequest, NeverSendsImageSizeForNanoBananaEvenIfAsked) {
  JobSpec job = testing::make_job("nano-banana", 1);
  job.resolution = "2K";
  HttpRequest req = GeminiFamily().build_request(testing::nano_banana(), job, 1, kEndpoint);
  EXPECT_EQ(req.body.find("imageSize"), std::string::npos);
}

TEST(GeminiFamily, OneImagePerCall) {
  ModelInfo m = testing::nano_banana();
  m.max_images_per_call = 4;  // even if the catalog claimed more
  EXPECT_EQ(GeminiFamily().max_images_per_call(m), 1);
  EXPECT_EQ(GeminiFamily().name(), "gemini");
}

// --- responses ---

TEST(GeminiResponse, DecodesInlineImage) {
  ProviderParse p = GeminiFamily().parse_response(
      response(200, testing::gemini_image_body("PNGBYTES", "image/jpeg")));
  const auto& images = expect_images(p);
  ASSERT_EQ(images.images.size(), 1u);
  EXPECT_EQ(images.images[0].bytes, "PNGBYTES");
  EXPECT_EQ(images.images[0].mime, "image/jpeg");
}

TEST(GeminiResponse, SkipsThoughtPartsAndTakesLastRealImage) {
  const std::string body = R"({"candidates":[{"content":{"parts":[)"
                           R"({"text":"thinking","thought":true},)"
                           R"({"inlineData":{"mimeType":"image/png","data":")" +
                           base64_encode("draft") +
                           R"("},"thought":true},)"
                           R"({"inlineData":{"mimeType":"image/png","data":")" +
                           base64_encode("first") +
                           R"("}},)"
                           R"({"inlineData":{"mimeType":"image/png","data":")" +
                           base64_encode("final") +
                           R"("},"thoughtSignature":"abc"},)"
                           R"({"inlineData":{"mimeType":"image/png","data":")" +
                           base64_encode("late-thought") +
                           R"("},"thought":true})"
                           R"(]},"finishReason":"STOP"}]})";
  const auto& images = expect_images(GeminiFamily().parse_response(response(200, body)));
  ASSERT_EQ(images.images.size(), 1u);
  EXPECT_EQ(images.images[0].bytes, "final");
}

TEST(GeminiResponse, PromptBlockIsContentBlocked) {
  const auto& e = expect_error(GeminiFamily().parse_response(response(
      200, R"({"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{}})")));
  EXPECT_EQ(e.kind, ProviderErrorKind::kContentBlocked);
  EXPECT_NE(e.message.find("PROHIBITED_CONTENT"), std::string::npos);
}

TEST(GeminiResponse, OutputBlockIsContentBlocked) {
  for (const char* reason : {"IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "SAFETY", "NO_IMAGE",
                             "IMAGE_RECITATION", "IMAGE_OTHER", "PROHIBITED_CONTENT"}) {
    const std::string body = std::string(R"({"candidates":[{"finishReason":")") + reason +
                             R"(","finishMessage":"Unable to show the generated image."}]})";
    const auto& e = expect_error(GeminiFamily().parse_response(response(200, body)));
    EXPECT_EQ(e.kind, ProviderErrorKind::kContentBlocked) << reason;
    EXPECT_NE(e.message.find(reason), std::string::npos);
  }
}

TEST(GeminiResponse, TextOnlyRefusalIsContentBlocked) {
  const auto& e = expect_error(GeminiFamily().parse_response(response(
      200,
      R"({"candidates":[{"content":{"parts":[{"text":"I can't make that image."}]},"finishReason":"STOP"}]})")));
  EXPECT_EQ(e.kind, ProviderErrorKind::kContentBlocked);
  EXPECT_NE(e.message.find("I can't make that image."), std::string::npos);
}

TEST(GeminiResponse, NoCandidatesIsContentBlocked) {
  EXPECT_EQ(expect_error(GeminiFamily().parse_response(response(200, R"({"candidates":[]})"))).kind,
            ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(expect_error(GeminiFamily().parse_response(response(200, R"({})"))).kind,
            ProviderErrorKind::kContentBlocked);
}

TEST(GeminiResponse, ResourceExhaustedIsRateLimited) {
  const std::string body =
      R"({"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}})";
  const auto& e = expect_error(GeminiFamily().parse_response(response(429, body)));
  EXPECT_EQ(e.kind, ProviderErrorKind::kRateLimited);
  EXPECT_EQ(e.http_status, 429);
  EXPECT_NE(e.message.find("RESOURCE_EXHAUSTED"), std::string::npos);
  EXPECT_FALSE(e.retry_after);

  const auto& with_header =
      expect_error(GeminiFamily().parse_response(response(429, body, {{"retry-after", "7"}})));
  EXPECT_EQ(with_header.retry_after, std::chrono::milliseconds(7000));
}

TEST(GeminiResponse, RetryInfoDelayIsHonouredWithoutHeader) {
  const std::string body =
      R"({"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[)"
      R"({"@type":"type.googleapis.com/google.rpc.Help","links":[]},)"
      R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}})";
  const auto& e = expect_error(GeminiFamily().parse_response(response(429, body)));
  EXPECT_EQ(e.retry_after, std::chrono::milliseconds(1500));
}

TEST(GeminiResponse, ServerErrorsAreTransient) {
  EXPECT_EQ(
      expect_error(
          GeminiFamily().parse_response(response(
              500, R"({"error":{"code":500,"message":"Internal error","status":"INTERNAL"}})")))
          .kind,
      ProviderErrorKind::kTransient);
  EXPECT_EQ(
      expect_error(
          GeminiFamily().parse_response(response(
              503,
              R"({"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}})")))
          .kind,
      ProviderErrorKind::kTransient);
  // A proxy's HTML error page still classifies by status.
  const auto& html =
      expect_error(GeminiFamily().parse_response(response(502, "<html>bad gateway</html>")));
  EXPECT_EQ(html.kind, ProviderErrorKind::kTransient);
  EXPECT_EQ(html.message, "HTTP 502");
}

TEST(GeminiResponse, ClientErrorsAreNotRetryableKinds) {
  EXPECT_EQ(expect_error(
                GeminiFamily().parse_response(response(
                    400, R"({"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}})")))
                .kind,
            ProviderErrorKind::kBadRequest);
  EXPECT_EQ(
      expect_error(
          GeminiFamily().parse_response(response(
              403, R"({"error":{"code":403,"message":"denied","status":"PERMISSION_DENIED"}})")))
          .kind,
      ProviderErrorKind::kAuth);
  EXPECT_EQ(expect_error(GeminiFamily().parse_response(response(401, "{}"))).kind,
            ProviderErrorKind::kAuth);
  EXPECT_EQ(expect_error(GeminiFamily().parse_response(response(404, "{}"))).kind,
            ProviderErrorKind::kBadRequest);
}

TEST(GeminiResponse, MalformedOrTruncatedJsonIsMalformed) {
  EXPECT_EQ(expect_error(GeminiFamily().parse_response(response(200, "not json"))).kind,
            ProviderErrorKind::kMalformed);
  const std::string full = testing::gemini_image_body(std::string(3000, 'x'));
  for (std::size_t cut : {full.size() - 1, full.size() / 2, std::size_t{10}, std::size_t{0}}) {
    EXPECT_EQ(expect_error(GeminiFamily().parse_response(response(200, full.substr(0, cut)))).kind,
              ProviderErrorKind::kMalformed)
        << cut;
  }
  EXPECT_EQ(expect_error(GeminiFamily().parse_response(response(200, "[1,2]"))).kind,
            ProviderErrorKind::kMalformed);
}

TEST(GeminiResponse, InvalidBase64IsMalformed) {
  const std::string body =
      R"({"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"aGVs bG8="}}]}}]})";
  EXPECT_EQ(expect_error(GeminiFamily().parse_response(response(200, body))).kind,
            ProviderErrorKind::kMalformed);
}

}  // namespace
}  // namespace imagegen::worker
