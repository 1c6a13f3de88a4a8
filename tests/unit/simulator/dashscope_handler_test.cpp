#include "simulator/dashscope_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"
#include "simulator/files_handler.h"
#include "simulator/image_sizes.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kSync = "/api/v1/services/aigc/multimodal-generation/generation";
constexpr std::string_view kAsync = "/api/v1/services/aigc/image-generation/generation";

std::string wan_body(std::string_view prompt, std::string_view parameters) {
  return R"({"model":"wan2.6-t2i","input":{"messages":[{"role":"user","content":[{"text":")" +
         std::string(prompt) + R"("}]}]},"parameters":{)" + std::string(parameters) + "}}";
}

constexpr std::string_view kCheap =
    R"("size":"1696*960","n":1,"prompt_extend":false,"watermark":false)";

class SimDashScopeHandler : public ::testing::Test {
 protected:
  SimResponse call(std::string_view path, std::string body, bool async = false,
                   std::string auth = "Bearer ds-key") {
    HeaderList headers{{"Host", "sim:1"}};
    if (!auth.empty()) headers.emplace_back("Authorization", auth);
    if (async) headers.emplace_back("X-DashScope-Async", "enable");
    return handle_dashscope(testing::post(std::string(path), std::move(body), headers), f_.context);
  }
  SimResponse sync(std::string_view prompt, std::string_view parameters = kCheap) {
    return call(kSync, wan_body(prompt, parameters));
  }
  std::string submit(std::string_view prompt, std::string_view parameters = kCheap) {
    const SimResponse r = call(kAsync, wan_body(prompt, parameters), true);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(std::string_view(json(r)["output"]["task_status"]), "PENDING");
    return testing::text(json(r)["output"]["task_id"]);
  }
  SimResponse poll(std::string_view id) {
    return handle_dashscope(
        testing::get("/api/v1/tasks/" + std::string(id), {{"Authorization", "Bearer k"}}),
        f_.context);
  }
  std::string status_of(const SimResponse& r) {
    return testing::text(json(r)["output"]["task_status"]);
  }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }
  SimResponse fetch(std::string_view url) {
    return handle_files(testing::get(testing::url_path(url), {}), f_.context);
  }
  void expect_error(const SimResponse& r, int status, std::string_view code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(std::string_view(json(r)["code"]), code) << r.body;
    EXPECT_FALSE(std::string_view(json(r)["message"]).empty());
    EXPECT_FALSE(std::string_view(json(r)["request_id"]).empty());
  }
  void expect_images(simdjson::dom::element output, std::size_t count, Dimensions size) {
    const simdjson::dom::array choices = output["choices"];
    ASSERT_EQ(choices.size(), count);
    for (auto choice : choices) {
      EXPECT_EQ(std::string_view(choice["finish_reason"]), "stop");
      const auto item = choice["message"]["content"].at(0);
      EXPECT_EQ(std::string_view(item["type"]), "image");
      const auto png = testing::inspect_png(fetch(std::string_view(item["image"])).body);
      ASSERT_TRUE(png);
      EXPECT_EQ(png->width, size.width);
      EXPECT_EQ(png->height, size.height);
    }
  }

  testing::HandlerFixture f_;
};

TEST_F(SimDashScopeHandler, SyncAnswersChoicesUsageAndRequestId) {
  const SimResponse r = sync("a fox");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(testing::header_value(r, "x-sim-prompt-extended"), "");
  const auto reply = json(r);
  EXPECT_TRUE(bool(reply["output"]["finished"]));
  expect_images(reply["output"], 1, {1696, 960});
  EXPECT_EQ(int64_t(reply["usage"]["image_count"]), 1);
  EXPECT_EQ(std::string_view(reply["usage"]["size"]), "1696*960");
  EXPECT_FALSE(std::string_view(reply["request_id"]).empty());
}

TEST_F(SimDashScopeHandler, DefaultsAreFourImagesAndPromptExtension) {
  const SimResponse r = sync("a fox", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(testing::header_value(r, "x-sim-prompt-extended"), "true");
  expect_images(json(r)["output"], 4, {1280, 1280});
}

TEST_F(SimDashScopeHandler, RefusesSizesOutsideTheWindow) {
  expect_error(sync("x", R"("size":"1024*1024")"), 400, "InvalidParameter");
  expect_error(sync("x", R"("size":"1280x1280")"), 400, "InvalidParameter");
  expect_error(sync("x", R"("size":"3200*640")"), 400, "InvalidParameter");  // 5:1
  expect_error(sync("x", R"("n":5)"), 400, "InvalidParameter");
  EXPECT_EQ(sync("x", R"("size":"2016*864","n":1)").status, 200);
  expect_error(sync(std::string(2101, 'a')), 400, "InvalidParameter");
  expect_error(sync("x", R"("negative_prompt":")" + std::string(501, 'b') + "\""), 400,
               "InvalidParameter");
}

TEST_F(SimDashScopeHandler, ModerationThrottlingAndAuth) {
  expect_error(sync("x [sim:moderated]"), 400, "DataInspectionFailed");
  expect_error(sync("x [sim:moderated=output]"), 400, "DataInspectionFailed");
  expect_error(sync("x [sim:fail=429]"), 429, "Throttling.RateQuota");
  expect_error(sync("x [sim:fail=500]"), 500, "InternalError");
  expect_error(call(kSync, wan_body("x", kCheap), false, ""), 401, "InvalidApiKey");
  EXPECT_TRUE(sync("x [sim:hang]").hang);
}

TEST_F(SimDashScopeHandler, AsyncWalksPendingRunningSucceeded) {
  const std::string id = submit("a fox", R"("size":"1280*1280","n":2,"prompt_extend":false)");
  EXPECT_EQ(status_of(poll(id)), "PENDING");
  EXPECT_EQ(status_of(poll(id)), "RUNNING");
  const SimResponse done = poll(id);
  ASSERT_EQ(status_of(done), "SUCCEEDED") << done.body;
  const simdjson::dom::element output = json(done)["output"];
  EXPECT_EQ(std::string_view(output["task_id"]), id);
  expect_images(output, 2, {1280, 1280});
  EXPECT_EQ(int64_t(output["task_metrics"]["SUCCEEDED"]), 2);
  EXPECT_EQ(int64_t(json(done)["usage"]["image_count"]), 2);
}

TEST_F(SimDashScopeHandler, AsyncNeedsTheHeaderAndKnowsUnknownIds) {
  EXPECT_EQ(call(kAsync, wan_body("x", kCheap)).status, 403);
  EXPECT_EQ(status_of(poll("nope")), "UNKNOWN");
}

TEST_F(SimDashScopeHandler, AsyncOutputModerationFailsTheTaskAndHangNeverFinishes) {
  const std::string bad = submit("x [sim:moderated=output]");
  SimResponse r;
  for (int i = 0; i < 3; ++i) r = poll(bad);
  EXPECT_EQ(status_of(r), "FAILED");
  EXPECT_EQ(std::string_view(json(r)["output"]["code"]), "DataInspectionFailed");
  const std::string stuck = submit("x [sim:hang]");
  for (int i = 0; i < 10; ++i) EXPECT_NE(status_of(poll(stuck)), "SUCCEEDED");
  expect_error(call(kAsync, wan_body("x [sim:fail=429]", kCheap), true), 429,
               "Throttling.RateQuota");
}

}  // namespace
}  // namespace imagegen::sim
