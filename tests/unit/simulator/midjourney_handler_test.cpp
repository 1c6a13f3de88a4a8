#include "simulator/midjourney_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"
#include "simulator/files_handler.h"

namespace imagegen::sim {
namespace {

class SimMidjourneyHandler : public ::testing::Test {
 protected:
  SimResponse submit(std::string_view prompt, std::string key = "mj-key") {
    const std::string body = R"({"model":"midjourney","task_type":"imagine","input":{"prompt":")" +
                             std::string(prompt) +
                             R"(","process_mode":"fast"},"config":{"service_mode":"public"}})";
    HeaderList headers{{"Host", "sim:4"}};
    if (!key.empty()) headers.emplace_back("x-api-key", key);
    return handle_midjourney(testing::post("/api/v1/task", body, headers), f_.context);
  }
  std::string submit_id(std::string_view prompt) {
    const SimResponse r = submit(prompt);
    EXPECT_EQ(r.status, 200) << r.body;
    return testing::text(json(r)["data"]["task_id"]);
  }
  SimResponse poll(std::string_view id, std::string key = "mj-key") {
    HeaderList headers;
    if (!key.empty()) headers.emplace_back("x-api-key", key);
    return handle_midjourney(testing::get("/api/v1/task/" + std::string(id), headers), f_.context);
  }
  std::string status_of(const SimResponse& r) { return testing::text(json(r)["data"]["status"]); }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }
  std::optional<testing::PngFacts> fetch_png(std::string_view url) {
    return testing::inspect_png(
        handle_files(testing::get(testing::url_path(url), {}), f_.context).body);
  }

  testing::HandlerFixture f_;
};

TEST_F(SimMidjourneyHandler, SubmitAnswersThePendingTaskEnvelope) {
  const SimResponse r = submit("a fox --v 7 --ar 16:9 --no text --seed 7");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto reply = json(r);
  EXPECT_EQ(int64_t(reply["code"]), 200);
  EXPECT_EQ(std::string_view(reply["message"]), "success");
  const auto data = reply["data"];
  EXPECT_FALSE(std::string_view(data["task_id"]).empty());
  EXPECT_EQ(std::string_view(data["model"]), "midjourney");
  EXPECT_EQ(std::string_view(data["task_type"]), "imagine");
  EXPECT_EQ(std::string_view(data["status"]), "pending");
  EXPECT_EQ(std::string_view(data["input"]["prompt"]), "a fox --v 7 --ar 16:9 --no text --seed 7");
  EXPECT_EQ(simdjson::dom::object(data["output"]).size(), 0u);
  EXPECT_EQ(simdjson::dom::array(data["logs"]).size(), 0u);
  EXPECT_EQ(int64_t(data["error"]["code"]), 0);
  EXPECT_TRUE(data["error"]["detail"].is_null());
}

TEST_F(SimMidjourneyHandler, WalksToCompletedWithAGridAndFourImages) {
  const std::string id = submit_id("a fox --v 6.1 --ar 16:9");
  EXPECT_EQ(status_of(poll(id)), "pending");
  EXPECT_EQ(status_of(poll(id)), "processing");
  const SimResponse done = poll(id);
  ASSERT_EQ(status_of(done), "completed") << done.body;
  const simdjson::dom::element output = json(done)["data"]["output"];
  const auto grid = fetch_png(std::string_view(output["image_url"]));
  ASSERT_TRUE(grid);
  EXPECT_EQ(grid->width, 2 * 1368u);
  EXPECT_EQ(grid->height, 2 * 768u);
  const simdjson::dom::array tiles = output["temporary_image_urls"];
  ASSERT_EQ(tiles.size(), 4u);
  for (auto url : tiles) {
    const auto tile = fetch_png(std::string_view(url));
    ASSERT_TRUE(tile);
    EXPECT_EQ(tile->width, 1368u);
    EXPECT_EQ(tile->height, 768u);
  }
}

TEST_F(SimMidjourneyHandler, BannedPromptFailsTheTask) {
  const std::string id = submit_id("bad --v 7 [sim:moderated]");
  SimResponse r;
  for (int i = 0; i < 3; ++i) r = poll(id);
  EXPECT_EQ(status_of(r), "failed");
  EXPECT_NE(std::string_view(json(r)["data"]["error"]["message"]).find("banned prompt"),
            std::string_view::npos);
}

TEST_F(SimMidjourneyHandler, RefusesOtherVersionsKeysAndUnknownTasks) {
  const SimResponse old = submit("a fox --v 5.2");
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(int64_t(json(old)["code"]), 400);
  EXPECT_EQ(submit("a fox --v 7", "").status, 401);
  EXPECT_EQ(poll("nope").status, 404);
  EXPECT_EQ(poll(submit_id("x"), "").status, 401);
  EXPECT_EQ(submit("x [sim:fail=429]").status, 429);
  const std::string stuck = submit_id("x [sim:hang]");
  for (int i = 0; i < 10; ++i) EXPECT_NE(status_of(poll(stuck)), "completed");
}

TEST(SimMidjourneyFlags, ReadsTheLastValueOfAFlag) {
  EXPECT_EQ(midjourney_flag("a fox --v 7 --ar 16:9", "--v"), "7");
  EXPECT_EQ(midjourney_flag("a fox --v 7 --ar 16:9", "--ar"), "16:9");
  EXPECT_EQ(midjourney_flag("a --ar 1:1 b --ar 2:3", "--ar"), "2:3");
  EXPECT_EQ(midjourney_flag("a fox --version 7", "--v"), "");
  EXPECT_EQ(midjourney_flag("a fox", "--v"), "");
}

}  // namespace
}  // namespace imagegen::sim
