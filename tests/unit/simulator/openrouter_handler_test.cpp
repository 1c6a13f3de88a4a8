#include "simulator/openrouter_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"

namespace imagegen::sim {
namespace {

class SimOpenRouterHandler : public ::testing::Test {
 protected:
  SimResponse call(std::string_view prompt, std::string_view model = "sourceful/riverflow-v2-pro",
                   std::string_view config = R"({"aspect_ratio":"16:9","image_size":"2K"})",
                   std::string auth = "Bearer or-key") {
    const std::string body = R"({"model":")" + std::string(model) +
                             R"(","messages":[{"role":"user","content":")" + std::string(prompt) +
                             R"("}],"modalities":["image"],"image_config":)" + std::string(config) +
                             "}";
    HeaderList headers;
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    return handle_openrouter(testing::post("/api/v1/chat/completions", body, headers), f_.context);
  }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }
  void expect_error(const SimResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(int64_t(json(r)["error"]["code"]), status);
    EXPECT_FALSE(std::string_view(json(r)["error"]["message"]).empty());
  }

  testing::HandlerFixture f_;
};

TEST_F(SimOpenRouterHandler, AnswersAChatCompletionWithADataUrlImage) {
  const SimResponse r = call("a fox");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  const auto reply = json(r);
  EXPECT_EQ(std::string_view(reply["object"]), "chat.completion");
  EXPECT_EQ(std::string_view(reply["model"]), "sourceful/riverflow-v2-pro");
  EXPECT_TRUE(std::string_view(reply["id"]).starts_with("gen-"));
  const auto choice = reply["choices"].at(0);
  EXPECT_EQ(int64_t(choice["index"]), 0);
  EXPECT_EQ(std::string_view(choice["finish_reason"]), "stop");
  EXPECT_EQ(std::string_view(choice["message"]["role"]), "assistant");
  EXPECT_EQ(std::string_view(choice["message"]["content"]), "");
  const auto image = choice["message"]["images"].at(0);
  EXPECT_EQ(std::string_view(image["type"]), "image_url");
  const std::string url = testing::text(image["image_url"]["url"]);
  ASSERT_TRUE(url.starts_with("data:image/png;base64,"));
  const auto bytes = testing::base64_decode(std::string_view(url).substr(22));
  ASSERT_TRUE(bytes);
  const auto png = testing::inspect_png(*bytes);
  ASSERT_TRUE(png);
  EXPECT_EQ(png->width, 2688u);
  EXPECT_EQ(png->height, 1536u);
  EXPECT_DOUBLE_EQ(double(reply["usage"]["cost"]), 0.15);
}

TEST_F(SimOpenRouterHandler, ReadsContentPartsToo) {
  const std::string body =
      R"({"model":"sourceful/riverflow-v2-fast","messages":[{"role":"user","content":[{"type":"text","text":"fox [sim:moderated]"}]}],"modalities":["image"]})";
  const SimResponse r = handle_openrouter(
      testing::post("/api/v1/chat/completions", body, {{"Authorization", "Bearer k"}}), f_.context);
  EXPECT_EQ(r.status, 403);
}

TEST_F(SimOpenRouterHandler, ModerationIs403WithReasonsAndFlaggedInput) {
  const SimResponse r = call("violent fox [sim:moderated]");
  expect_error(r, 403);
  const auto metadata = json(r)["error"]["metadata"];
  EXPECT_EQ(std::string_view(metadata["reasons"].at(0)), "violence");
  EXPECT_EQ(std::string_view(metadata["flagged_input"]), "violent fox [sim:moderated]");
}

TEST_F(SimOpenRouterHandler, DirectedFailures) {
  expect_error(call("x [sim:fail=402]"), 402);
  const SimResponse limited = call("x [sim:fail=429,retry-after=4]");
  expect_error(limited, 429);
  EXPECT_EQ(testing::header_value(limited, "Retry-After"), "4");
  expect_error(call("x [sim:fail=502]"), 502);
  EXPECT_TRUE(call("x [sim:hang]").hang);
  EXPECT_EQ(call("x [sim:delay=30000]").delay_ms, 30000u);
}

TEST_F(SimOpenRouterHandler, GarbageImageIsNotAPng) {
  const SimResponse r = call("x [sim:garbage]");
  ASSERT_EQ(r.status, 200);
  const std::string url =
      testing::text(json(r)["choices"].at(0)["message"]["images"].at(0)["image_url"]["url"]);
  const auto bytes = testing::base64_decode(std::string_view(url).substr(22));
  ASSERT_TRUE(bytes);
  EXPECT_FALSE(testing::inspect_png(*bytes));
}

TEST_F(SimOpenRouterHandler, RefusesBadAuthModelAndConfig) {
  expect_error(call("x", "sourceful/riverflow-v2-pro", "{}", ""), 401);
  expect_error(call("x", "openai/gpt-5"), 400);
  expect_error(
      call("x", "sourceful/riverflow-v2-fast", R"({"aspect_ratio":"1:1","image_size":"4K"})"), 400);
  expect_error(call("x", "sourceful/riverflow-v2-pro", R"({"aspect_ratio":"7:1"})"), 400);
  expect_error(handle_openrouter(testing::post("/api/v1/chat/completions", "{nope",
                                               {{"Authorization", "Bearer k"}}),
                                 f_.context),
               400);
}

}  // namespace
}  // namespace imagegen::sim
