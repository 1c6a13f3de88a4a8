#include "simulator/runway_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"
#include "simulator/files_handler.h"

namespace imagegen::sim {
namespace {

class SimRunwayHandler : public ::testing::Test {
 protected:
  HeaderList headers(std::string version = "2024-11-06", std::string auth = "Bearer rw-key") {
    HeaderList h{{"Host", "sim:2"}};
    if (!auth.empty()) h.emplace_back("Authorization", auth);
    if (!version.empty()) h.emplace_back("X-Runway-Version", version);
    return h;
  }
  SimResponse submit(std::string_view prompt, std::string_view extra = R"("ratio":"1920:1080")",
                     std::string_view model = "gen4_image", HeaderList h = {}) {
    std::string body =
        R"({"model":")" + std::string(model) + R"(","promptText":")" + std::string(prompt) + "\"";
    if (!extra.empty()) body += "," + std::string(extra);
    return handle_runway(testing::post("/v1/text_to_image", body + "}", h.empty() ? headers() : h),
                         f_.context);
  }
  std::string submit_id(std::string_view prompt) {
    const SimResponse r = submit(prompt);
    EXPECT_EQ(r.status, 200) << r.body;
    return testing::text(json(r)["id"]);
  }
  SimResponse poll(std::string_view id, HeaderList h = {}) {
    return handle_runway(testing::get("/v1/tasks/" + std::string(id), h.empty() ? headers() : h),
                         f_.context);
  }
  std::string status_of(const SimResponse& r) { return testing::text(json(r)["status"]); }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }
  SimResponse fetch(std::string_view url) {
    return handle_files(testing::get(testing::url_path(url), {}), f_.context);
  }
  void expect_400(const SimResponse& r, std::string_view field) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_FALSE(std::string_view(json(r)["error"]).empty());
    if (!field.empty()) {
      EXPECT_EQ(std::string_view(json(r)["issues"].at(0)["path"].at(0)), field) << r.body;
    }
  }

  testing::HandlerFixture f_;
};

TEST_F(SimRunwayHandler, WalksPendingThrottledRunningSucceeded) {
  const std::string id = submit_id("a fox");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(status_of(poll(id)), "PENDING");
  EXPECT_EQ(status_of(poll(id)), "THROTTLED");
  const SimResponse running = poll(id);
  EXPECT_EQ(status_of(running), "RUNNING");
  EXPECT_DOUBLE_EQ(double(json(running)["progress"]), 0.5);
  const SimResponse done = poll(id);
  ASSERT_EQ(status_of(done), "SUCCEEDED") << done.body;
  EXPECT_EQ(std::string_view(json(done)["id"]), id);
  EXPECT_EQ(std::string_view(json(done)["createdAt"]), "2023-11-14T22:13:20.000Z");
  const std::string url = testing::text(json(done)["output"].at(0));
  EXPECT_TRUE(url.starts_with("http://sim:2/files/"));
  const auto png = testing::inspect_png(fetch(url).body);
  ASSERT_TRUE(png);
  EXPECT_EQ(png->width, 1920u);
  EXPECT_EQ(png->height, 1080u);
}

TEST_F(SimRunwayHandler, DeleteCancelsTheTaskAndIsRecorded) {
  const auto cancels = [this] {
    return json(handle_runway(testing::get("/sim/runway/cancels", {}), f_.context));
  };
  // The log is process-wide: compare against what it held before.
  const std::int64_t before = std::int64_t(cancels()["cancelled"]);
  const std::string id = submit_id("a fox");
  EXPECT_EQ(status_of(poll(id)), "PENDING");
  SimRequest del = testing::get("/v1/tasks/" + id, headers());
  del.method = "DELETE";
  const SimResponse r = handle_runway(del, f_.context);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(status_of(poll(id)), "CANCELLED");
  const auto after = cancels();
  EXPECT_EQ(std::int64_t(after["cancelled"]), before + 1);
  bool listed = false;
  for (auto item : after["ids"].get_array()) listed = listed || std::string_view(item) == id;
  EXPECT_TRUE(listed);
  EXPECT_EQ(runway_family().methods("/v1/tasks/" + id), "GET, DELETE");
}

TEST_F(SimRunwayHandler, VersionHeaderIsRequiredOnEveryCall) {
  EXPECT_EQ(submit("x", R"("ratio":"1920:1080")", "gen4_image", headers("")).status, 400);
  EXPECT_EQ(submit("x", R"("ratio":"1920:1080")", "gen4_image", headers("2023-01-01")).status, 400);
  EXPECT_EQ(submit("x", R"("ratio":"1920:1080")", "gen4_image", headers("2024-11-06", "")).status,
            401);
  const std::string id = submit_id("x");
  const SimResponse r = poll(id, headers(""));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(std::string_view(json(r)["error"]).find("X-Runway-Version"), std::string_view::npos);
}

TEST_F(SimRunwayHandler, ValidatesRatioPromptAndTurboReferences) {
  expect_400(submit("x", R"("ratio":"1536:1024")"), "ratio");
  expect_400(submit("x", ""), "ratio");
  expect_400(submit("", R"("ratio":"1024:1024")"), "promptText");
  expect_400(submit(std::string(1001, 'a'), R"("ratio":"1024:1024")"), "promptText");
  expect_400(submit("x", R"("ratio":"1024:1024")", "gen4_image_turbo"), "referenceImages");
  EXPECT_EQ(
      submit("x", R"("ratio":"720:720","referenceImages":[{"uri":"https://a/b.png","tag":"fox"}])",
             "gen4_image_turbo")
          .status,
      200);
  expect_400(submit("x", R"("ratio":"720:720")", "gen4"), "model");
}

TEST_F(SimRunwayHandler, ModerationIsAFailedTaskWithAFailureCode) {
  const std::string id = submit_id("bad [sim:moderated]");
  SimResponse r;
  for (int i = 0; i < 4; ++i) r = poll(id);
  EXPECT_EQ(status_of(r), "FAILED");
  EXPECT_EQ(std::string_view(json(r)["failureCode"]), "SAFETY.INPUT.TEXT");
  EXPECT_FALSE(std::string_view(json(r)["failure"]).empty());
}

TEST_F(SimRunwayHandler, FailuresHangAndUnknownTasks) {
  const SimResponse broken = submit("x [sim:fail=500]");
  EXPECT_EQ(broken.status, 500);
  EXPECT_FALSE(std::string_view(json(broken)["error"]).empty());
  EXPECT_EQ(submit("x [sim:fail=429]").status, 429);
  const std::string id = submit_id("x [sim:hang]");
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(status_of(poll(id)), i < 2 ? (i == 0 ? "PENDING" : "THROTTLED") : "RUNNING");
  EXPECT_EQ(poll("00000000-0000-4000-8000-000000000000").status, 404);
}

}  // namespace
}  // namespace imagegen::sim
