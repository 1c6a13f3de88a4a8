#include "simulator/gemini_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"

namespace imagegen::sim {
namespace {

using testing::HandlerFixture;

constexpr std::string_view kPath = "/v1beta/models/gemini-3-pro-image-preview:generateContent";

std::string body_for(std::string_view prompt, std::string_view image_config = "") {
  std::string body =
      R"({"contents":[{"role":"user","parts":[{"text":")" + std::string(prompt) + R"("}]}])";
  body += R"(,"generationConfig":{"responseModalities":["IMAGE"])";
  if (!image_config.empty()) body += R"(,"imageConfig":)" + std::string(image_config);
  return body + "}}";
}

SimRequest gemini_request(std::string body, std::string_view path = kPath) {
  return testing::post(std::string(path), std::move(body), {{"X-Goog-Api-Key", "test-key"}});
}

class SimGeminiHandler : public ::testing::Test {
 protected:
  SimResponse call(const SimRequest& request) { return handle_gemini(request, f_.context); }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }

  // The decoded PNG of the part at `index`, checked to be a real PNG.
  testing::PngFacts image_of(simdjson::dom::element reply, std::size_t index) {
    std::string_view data =
        reply["candidates"].at(0)["content"]["parts"].at(index)["inlineData"]["data"];
    const auto bytes = testing::base64_decode(data);
    EXPECT_TRUE(bytes);
    const auto facts = testing::inspect_png(*bytes);
    EXPECT_TRUE(facts);
    return *facts;
  }

  HandlerFixture f_;
};

TEST_F(SimGeminiHandler, RecognisesItsPathAndModel) {
  EXPECT_TRUE(is_gemini_path(kPath));
  EXPECT_EQ(gemini_model_from_path(kPath), "gemini-3-pro-image-preview");
  EXPECT_FALSE(is_gemini_path("/v1beta/models/:generateContent"));
  EXPECT_FALSE(is_gemini_path("/v1beta/models/a/b:generateContent"));
  EXPECT_FALSE(is_gemini_path("/v1beta/models/x:streamGenerateContent"));
  EXPECT_EQ(gemini_family().name, "gemini");
}

TEST_F(SimGeminiHandler, AnswersOneSquareImageInGooglesShape) {
  const SimResponse r = call(gemini_request(body_for("a red fox")));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto reply = json(r);
  const auto candidate = reply["candidates"].at(0);
  EXPECT_EQ(std::string_view(candidate["finishReason"]), "STOP");
  EXPECT_EQ(int64_t(candidate["index"]), 0);
  EXPECT_EQ(std::string_view(candidate["content"]["role"]), "model");
  EXPECT_EQ(simdjson::dom::array(candidate["content"]["parts"]).size(), 1u);
  EXPECT_EQ(std::string_view(candidate["content"]["parts"].at(0)["inlineData"]["mimeType"]),
            "image/png");
  const auto png = image_of(reply, 0);
  EXPECT_EQ(png.width, 1024u);
  EXPECT_EQ(png.height, 1024u);
  EXPECT_TRUE(png.crcs_ok);
  EXPECT_EQ(int64_t(reply["usageMetadata"]["candidatesTokenCount"]), 1120);
  EXPECT_EQ(std::string_view(reply["modelVersion"]), "gemini-3-pro-image-preview");
  EXPECT_EQ(r.delay_ms, 0u);
}

TEST_F(SimGeminiHandler, HonoursAspectRatioAndImageSize) {
  const auto reply =
      json(call(gemini_request(body_for("fox", R"({"aspectRatio":"16:9","imageSize":"2K"})"))));
  const auto png = image_of(reply, 0);
  EXPECT_EQ(png.width, 2688u);
  EXPECT_EQ(png.height, 1536u);
}

TEST_F(SimGeminiHandler, FlashImageIgnoresImageSize) {
  const auto r = call(gemini_request(body_for("fox", R"({"imageSize":"4K"})"),
                                     "/v1beta/models/gemini-2.5-flash-image:generateContent"));
  const auto reply = json(r);
  EXPECT_EQ(image_of(reply, 0).width, 1024u);
  EXPECT_EQ(int64_t(reply["usageMetadata"]["candidatesTokenCount"]), 1290);
}

TEST_F(SimGeminiHandler, AcceptsKeyInQueryString) {
  SimRequest request = gemini_request(body_for("fox"));
  request.headers.clear();
  request.target += "?alt=json&key=abc";
  EXPECT_EQ(call(request).status, 200);
}

TEST_F(SimGeminiHandler, MissingKeyIsPermissionDenied) {
  SimRequest request = gemini_request(body_for("fox"));
  request.headers = {{"x-goog-api-key", ""}};
  const SimResponse r = call(request);
  EXPECT_EQ(r.status, 403);
  const auto reply = json(r);
  EXPECT_EQ(int64_t(reply["error"]["code"]), 403);
  EXPECT_EQ(std::string_view(reply["error"]["status"]), "PERMISSION_DENIED");
}

TEST_F(SimGeminiHandler, UnknownModelIsNotFound) {
  const SimResponse r =
      call(gemini_request(body_for("fox"), "/v1beta/models/gemini-2.5-pro:generateContent"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(std::string_view(json(r)["error"]["status"]), "NOT_FOUND");
}

TEST_F(SimGeminiHandler, MalformedJsonIsInvalidArgument) {
  for (const char* body : {"{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}", "not json", "", "[1,2]",
                           R"({"contents":[{"parts":[{"text":5}]}]})"}) {
    const SimResponse r = call(gemini_request(body));
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(std::string_view(json(r)["error"]["status"]), "INVALID_ARGUMENT") << body;
  }
}

TEST_F(SimGeminiHandler, MissingContentsIsInvalidArgument) {
  EXPECT_EQ(call(gemini_request(R"({"generationConfig":{}})")).status, 400);
}

TEST_F(SimGeminiHandler, UnsupportedAspectRatioIsInvalidArgument) {
  EXPECT_EQ(call(gemini_request(body_for("fox", R"({"aspectRatio":"7:3"})"))).status, 400);
}

TEST_F(SimGeminiHandler, ModeratedPromptIs200WithBlockReasonAndNoCandidates) {
  const SimResponse r = call(gemini_request(body_for("fox [sim:moderated]")));
  EXPECT_EQ(r.status, 200);
  const auto reply = json(r);
  EXPECT_EQ(std::string_view(reply["promptFeedback"]["blockReason"]), "SAFETY");
  EXPECT_EQ(reply["candidates"].error(), simdjson::NO_SUCH_FIELD);
}

TEST_F(SimGeminiHandler, ModeratedOutputIs200WithImageSafetyAndNoImage) {
  const SimResponse r = call(gemini_request(body_for("fox [sim:moderated=output]")));
  EXPECT_EQ(r.status, 200);
  const auto candidate = json(r)["candidates"].at(0);
  EXPECT_EQ(std::string_view(candidate["finishReason"]), "IMAGE_SAFETY");
  EXPECT_EQ(candidate["content"].error(), simdjson::NO_SUCH_FIELD);
}

TEST_F(SimGeminiHandler, ThoughtPartComesFirstAndDiffers) {
  const auto reply = json(call(gemini_request(body_for("fox [sim:thought]"))));
  const auto parts = reply["candidates"].at(0)["content"]["parts"];
  ASSERT_EQ(simdjson::dom::array(parts).size(), 2u);
  EXPECT_TRUE(bool(parts.at(0)["thought"]));
  EXPECT_EQ(parts.at(1)["thought"].error(), simdjson::NO_SUCH_FIELD);
  EXPECT_EQ(image_of(reply, 0).width, 64u);
  EXPECT_EQ(image_of(reply, 1).width, 1024u);
}

TEST_F(SimGeminiHandler, GarbageIs200WithBytesThatAreNotAPng) {
  const auto reply = json(call(gemini_request(body_for("fox [sim:garbage]"))));
  std::string_view data = reply["candidates"].at(0)["content"]["parts"].at(0)["inlineData"]["data"];
  const auto bytes = testing::base64_decode(data);
  ASSERT_TRUE(bytes);
  EXPECT_FALSE(testing::inspect_png(*bytes));
}

TEST_F(SimGeminiHandler, FailUsesGoogleEnvelopeAndRetryAfter) {
  const SimResponse r = call(gemini_request(body_for("fox [sim:fail=429,retry-after=7]")));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(testing::header_value(r, "Retry-After"), "7");
  const auto reply = json(r);
  EXPECT_EQ(int64_t(reply["error"]["code"]), 429);
  EXPECT_EQ(std::string_view(reply["error"]["status"]), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(
      std::string_view(json(call(gemini_request(body_for("[sim:fail=503]"))))["error"]["status"]),
      "UNAVAILABLE");
  EXPECT_EQ(
      std::string_view(json(call(gemini_request(body_for("[sim:fail=500]"))))["error"]["status"]),
      "INTERNAL");
}

TEST_F(SimGeminiHandler, DelayAndHangAreMarkedForTheServer) {
  EXPECT_EQ(call(gemini_request(body_for("fox [sim:delay=250]"))).delay_ms, 250u);
  const SimResponse failing = call(gemini_request(body_for("fox [sim:delay=40,fail=500]")));
  EXPECT_EQ(failing.status, 500);
  EXPECT_EQ(failing.delay_ms, 40u);
  EXPECT_TRUE(call(gemini_request(body_for("fox [sim:hang]"))).hang);
}

TEST_F(SimGeminiHandler, PartialDeliversKImagesThenFails) {
  const std::string body = body_for("fox [sim:partial=2]");
  EXPECT_EQ(call(gemini_request(body)).status, 200);
  EXPECT_EQ(call(gemini_request(body)).status, 200);
  const SimResponse third = call(gemini_request(body));
  EXPECT_EQ(third.status, 500);
  EXPECT_EQ(std::string_view(json(third)["error"]["status"]), "INTERNAL");
  EXPECT_EQ(call(gemini_request(body_for("another fox [sim:partial=2]"))).status, 200);
}

TEST_F(SimGeminiHandler, ReadsTextPartsInAnyFieldOrder) {
  const auto r = call(gemini_request(
      R"({"generationConfig":{"imageConfig":{"aspectRatio":"9:16"}},"contents":[{"parts":[{"text":"fox"},{"text":"[sim:delay=5]"}],"role":"user"}]})"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.delay_ms, 5u);
  EXPECT_EQ(image_of(json(r), 0).height, 1344u);
}

}  // namespace
}  // namespace imagegen::sim
