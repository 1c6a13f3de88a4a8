#include "simulator/xai_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"
#include "simulator/files_handler.h"
#include "simulator/router.h"

namespace imagegen::sim {
namespace {

class SimXaiHandler : public ::testing::Test {
 protected:
  SimResponse call(std::string_view prompt, std::string_view extra = "",
                   std::string auth = "Bearer xai-key") {
    std::string body = R"({"model":"grok-imagine-image","prompt":")" + std::string(prompt) + "\"";
    if (!extra.empty()) body += "," + std::string(extra);
    HeaderList headers{{"Host", "127.0.0.1:9999"}};
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    return handle_xai(testing::post("/v1/images/generations", body + "}", headers), f_.context);
  }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }
  SimResponse fetch(std::string_view url) {
    return handle_files(testing::get(testing::url_path(url), {}), f_.context);
  }
  void expect_error(const SimResponse& r, int status, std::string_view error) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_FALSE(std::string_view(json(r)["code"]).empty());
    EXPECT_EQ(std::string_view(json(r)["error"]), error) << r.body;
  }

  testing::HandlerFixture f_;
};

TEST_F(SimXaiHandler, AnswersUrlsServedBySimulatorByDefault) {
  const SimResponse r = call("a fox", R"("n":2,"aspect_ratio":"16:9")");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto reply = json(r);
  EXPECT_EQ(int64_t(reply["created"]), 1'700'000'000);
  const simdjson::dom::array data = reply["data"];
  ASSERT_EQ(data.size(), 2u);
  for (auto entry : data) {
    EXPECT_EQ(std::string_view(entry["mime_type"]), "image/png");
    EXPECT_EQ(std::string_view(entry["revised_prompt"]), "");
    const std::string url = testing::text(entry["url"]);
    EXPECT_TRUE(url.starts_with("http://127.0.0.1:9999/files/")) << url;
    const SimResponse file = fetch(url);
    const auto png = testing::inspect_png(file.body);
    ASSERT_TRUE(png);
    EXPECT_EQ(png->width, 1360u);
    EXPECT_EQ(png->height, 768u);
  }
}

TEST_F(SimXaiHandler, AnswersBase64WhenAskedAt2k) {
  const SimResponse r = call("a fox", R"("response_format":"b64_json","resolution":"2k")");
  ASSERT_EQ(r.status, 200);
  const auto bytes = testing::base64_decode(std::string_view(json(r)["data"].at(0)["b64_json"]));
  ASSERT_TRUE(bytes);
  const auto png = testing::inspect_png(*bytes);
  ASSERT_TRUE(png);
  EXPECT_EQ(png->width, 2048u);
}

TEST_F(SimXaiHandler, RefusesOpenAiOnlyArguments) {
  expect_error(call("x", R"("size":"1024x1024")"), 400, "Argument not supported: size");
  expect_error(call("x", R"("quality":"high")"), 400, "Argument not supported: quality");
  expect_error(call("x", R"("style":"vivid")"), 400, "Argument not supported: style");
}

TEST_F(SimXaiHandler, RefusesBadValues) {
  EXPECT_EQ(call("x", R"("n":11)").status, 400);
  EXPECT_EQ(call("x", R"("aspect_ratio":"21:9")").status, 400);
  EXPECT_EQ(call("x", R"("resolution":"4k")").status, 400);
  EXPECT_EQ(call("x", "", "").status, 401);
}

TEST_F(SimXaiHandler, DirectivesModerationFailuresAndExpiry) {
  expect_error(call("x [sim:moderated]"), 400, "Generated image rejected by content moderation.");
  const SimResponse limited = call("x [sim:fail=429,retry-after=2]");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(testing::header_value(limited, "Retry-After"), "2");
  EXPECT_EQ(call("x [sim:fail=500]").status, 500);
  EXPECT_EQ(fetch(std::string_view(json(call("x [sim:expired]"))["data"].at(0)["url"])).status,
            403);
  EXPECT_FALSE(testing::inspect_png(
      fetch(std::string_view(json(call("x [sim:garbage]"))["data"].at(0)["url"])).body));
}

TEST(SimImagesGenerationsPath, RouterDispatchesOnTheBodysModel) {
  SimServices services;
  simdjson::ondemand::parser json;
  Router router({}, services);
  const HeaderList auth{{"Authorization", "Bearer k"}};
  const SimResponse grok = router.dispatch(
      testing::post("/v1/images/generations",
                    R"({"model":"grok-imagine-image","prompt":"x","size":"1"})", auth),
      json);
  EXPECT_NE(grok.body.find("Argument not supported: size"), std::string::npos) << grok.body;
  const SimResponse gpt = router.dispatch(
      testing::post("/v1/images/generations", R"({"model":"gpt-image-1","prompt":"x"})", auth),
      json);
  EXPECT_NE(gpt.body.find("b64_json"), std::string::npos);
}

}  // namespace
}  // namespace imagegen::sim
