#include "simulator/byteplus_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"
#include "simulator/files_handler.h"

namespace imagegen::sim {
namespace {

class SimBytePlusHandler : public ::testing::Test {
 protected:
  SimResponse call(std::string_view prompt,
                   std::string_view extra = R"("size":"2560x1440","watermark":false)",
                   std::string_view model = "seedream-4-5-251128",
                   std::string auth = "Bearer ark-key") {
    std::string body = R"({"model":")" + std::string(model) + R"(","prompt":")" +
                       std::string(prompt) +
                       R"(","sequential_image_generation":"disabled","stream":false)";
    if (!extra.empty()) body += "," + std::string(extra);
    HeaderList headers{{"Host", "localhost:8090"}};
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    return handle_byteplus(testing::post("/api/v3/images/generations", body + "}", headers),
                           f_.context);
  }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }
  SimResponse fetch(std::string_view url) {
    return handle_files(testing::get(testing::url_path(url), {}), f_.context);
  }
  void expect_error(const SimResponse& r, int status, std::string_view code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(std::string_view(json(r)["error"]["code"]), code) << r.body;
    EXPECT_FALSE(std::string_view(json(r)["error"]["message"]).empty());
    EXPECT_FALSE(std::string_view(json(r)["error"]["type"]).empty());
  }

  testing::HandlerFixture f_;
};

TEST_F(SimBytePlusHandler, AnswersUrlWithSizeAndUsage) {
  const SimResponse r = call("a fox");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(testing::header_value(r, "x-sim-watermarked"), "");
  const auto reply = json(r);
  EXPECT_EQ(std::string_view(reply["model"]), "seedream-4-5-251128");
  EXPECT_EQ(int64_t(reply["created"]), 1'700'000'000);
  const auto entry = reply["data"].at(0);
  EXPECT_EQ(std::string_view(entry["size"]), "2560x1440");
  const auto png = testing::inspect_png(fetch(std::string_view(entry["url"])).body);
  ASSERT_TRUE(png);
  EXPECT_EQ(png->width, 2560u);
  EXPECT_EQ(png->height, 1440u);
  EXPECT_EQ(int64_t(reply["usage"]["generated_images"]), 1);
  EXPECT_EQ(int64_t(reply["usage"]["output_tokens"]), 2560 * 1440 / 256);
  EXPECT_EQ(int64_t(reply["usage"]["total_tokens"]), 2560 * 1440 / 256);
}

TEST_F(SimBytePlusHandler, DefaultWatermarkIsFlagged) {
  const SimResponse r = call("a fox", R"("size":"2K")");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(testing::header_value(r, "x-sim-watermarked"), "true");
  EXPECT_EQ(std::string_view(json(r)["data"].at(0)["size"]), "2048x2048");
}

TEST_F(SimBytePlusHandler, Base64WhenAsked) {
  const SimResponse r =
      call("a fox", R"("size":"1024x1024","response_format":"b64_json","watermark":false)",
           "seedream-4-0-250828");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto bytes = testing::base64_decode(std::string_view(json(r)["data"].at(0)["b64_json"]));
  ASSERT_TRUE(bytes);
  EXPECT_TRUE(testing::inspect_png(*bytes));
}

TEST_F(SimBytePlusHandler, EnforcesEachModelsPixelWindow) {
  expect_error(call("x", R"("size":"1024x1024")"), 400,
               "InvalidParameter");  // 4.5 minimum is 3,686,400
  expect_error(call("x", R"("size":"1K")"), 400, "InvalidParameter");
  EXPECT_EQ(call("x", R"("size":"1024x1024")", "seedream-4-0-250828").status, 200);
  expect_error(call("x", R"("size":"800x800")", "seedream-4-0-250828"), 400, "InvalidParameter");
  expect_error(call("x", R"("size":"8192x4096")"), 400, "InvalidParameter");
  expect_error(call("x", R"("size":"2560by1440")"), 400, "InvalidParameter");
}

TEST_F(SimBytePlusHandler, ModerationAndFailures) {
  expect_error(call("x [sim:moderated=output]"), 400, "OutputImageSensitiveContentDetected");
  expect_error(call("x [sim:moderated]"), 400, "InputTextSensitiveContentDetected");
  expect_error(call("x [sim:fail=429]"), 429, "RateLimitExceeded.EndpointIPMExceeded");
  expect_error(call("x [sim:fail=500]"), 500, "InternalServiceError");
  expect_error(call("x", "", "seedream-4-5-251128", ""), 401, "AuthenticationError");
  EXPECT_EQ(fetch(std::string_view(json(call("x [sim:expired]"))["data"].at(0)["url"])).status,
            403);
}

}  // namespace
}  // namespace imagegen::sim
