#include "simulator/bfl_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"
#include "simulator/files_handler.h"

namespace imagegen::sim {
namespace {

using namespace std::chrono_literals;

class SimBflHandler : public ::testing::Test {
 protected:
  SimResponse submit(std::string_view prompt,
                     std::string_view extra = R"("width":1344,"height":768)",
                     std::string key = "bfl-key", std::string model = "flux-2-pro") {
    std::string body = R"({"prompt":")" + std::string(prompt) + "\"";
    if (!extra.empty()) body += "," + std::string(extra);
    HeaderList headers{{"Host", "sim.test:1234"}};
    if (!key.empty()) headers.emplace_back("x-key", key);
    return handle_bfl(testing::post("/v1/" + model, body + "}", headers), f_.context);
  }
  std::string submit_id(std::string_view prompt, std::string key = "bfl-key") {
    const SimResponse r = submit(prompt, R"("width":1344,"height":768)", std::move(key));
    EXPECT_EQ(r.status, 200) << r.body;
    return testing::text(f_.parse(r)["id"]);
  }
  SimResponse poll(std::string_view id, std::string key = "bfl-key") {
    HeaderList headers{{"Host", "sim.test:1234"}};
    if (!key.empty()) headers.emplace_back("x-key", key);
    return handle_bfl(testing::get("/v1/get_result?id=" + std::string(id), headers), f_.context);
  }
  std::string status_of(const SimResponse& r) { return testing::text(f_.parse(r)["status"]); }
  // Polls until the task leaves Pending (at most 10 polls); returns the last answer.
  SimResponse poll_until_done(std::string_view id) {
    SimResponse r;
    for (int i = 0; i < 10; ++i) {
      r = poll(id);
      if (status_of(r) != "Pending") break;
    }
    return r;
  }
  SimResponse fetch(std::string_view url) {
    return handle_files(testing::get(testing::url_path(url), {}), f_.context);
  }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }

  testing::HandlerFixture f_;
};

TEST_F(SimBflHandler, SubmitAnswersIdPollingUrlAndCost) {
  const SimResponse r =
      submit("a fox", R"("width":2048,"height":2048,"seed":7,"output_format":"png")");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto reply = json(r);
  const std::string id = testing::text(reply["id"]);
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(std::string_view(reply["polling_url"]), "http://sim.test:1234/v1/get_result?id=" + id);
  EXPECT_DOUBLE_EQ(double(reply["cost"]), 7.5);  // flux-2-pro: 3 credits + 3 extra MP x 1.5
  EXPECT_DOUBLE_EQ(double(reply["output_mp"]), 4.0);
  EXPECT_DOUBLE_EQ(double(reply["input_mp"]), 0.0);
}

TEST_F(SimBflHandler, PollWalksPendingThenReadyWithAServedSample) {
  const std::string id = submit_id("a fox [sim:partial=5]");
  for (int i = 0; i < 2; ++i) {
    const SimResponse pending = poll(id);
    ASSERT_EQ(pending.status, 200);
    EXPECT_EQ(status_of(pending), "Pending") << pending.body;
    EXPECT_TRUE(json(pending)["result"].is_null());
  }
  const SimResponse ready = poll(id);
  ASSERT_EQ(status_of(ready), "Ready") << ready.body;
  const auto reply = json(ready);
  EXPECT_EQ(std::string_view(reply["id"]), id);
  EXPECT_DOUBLE_EQ(double(reply["progress"]), 1.0);
  const std::string sample = testing::text(reply["result"]["sample"]);
  EXPECT_TRUE(sample.starts_with("http://sim.test:1234/files/")) << sample;
  EXPECT_EQ(std::string_view(reply["result"]["prompt"]), "a fox [sim:partial=5]");
  EXPECT_EQ(int64_t(reply["result"]["seed"]), 42);

  const SimResponse file = fetch(sample);
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(testing::header_value(file, "Content-Type"), "image/png");
  const auto png = testing::inspect_png(file.body);
  ASSERT_TRUE(png);
  EXPECT_EQ(png->width, 1344u);
  EXPECT_EQ(png->height, 768u);
  // Later polls repeat the same result.
  EXPECT_EQ(std::string_view(json(poll(id))["result"]["sample"]), sample);
}

TEST_F(SimBflHandler, PollStepsSettingChangesHowManyPollsArePending) {
  f_.services.settings.poll_steps = 0;
  EXPECT_EQ(status_of(poll(submit_id("quick"))), "Ready");
}

TEST_F(SimBflHandler, MissingXKeyIsRefusedOnSubmitAndPoll) {
  const SimResponse r = submit("a fox", "", "");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(std::string_view(json(r)["detail"]), "Not authenticated");
  const std::string id = submit_id("a fox");
  EXPECT_EQ(poll(id, "").status, 403);
}

TEST_F(SimBflHandler, InvalidSizesAre422WithFastApiDetail) {
  for (const char* extra : {R"("width":1000,"height":768)", R"("width":48,"height":768)",
                            R"("width":4096,"height":2048)"}) {
    const SimResponse r = submit("a fox", extra);
    EXPECT_EQ(r.status, 422) << extra;
    const auto detail = json(r)["detail"].at(0);
    EXPECT_EQ(std::string_view(detail["loc"].at(0)), "body");
    EXPECT_EQ(std::string_view(detail["loc"].at(1)), "width") << r.body;
    EXPECT_EQ(std::string_view(detail["type"]).substr(0, 5), "value");
    EXPECT_FALSE(std::string_view(detail["msg"]).empty());
  }
  const SimResponse missing = handle_bfl(
      testing::post("/v1/flux-2-max", R"({"width":1024})", {{"x-key", "k"}}), f_.context);
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(std::string_view(json(missing)["detail"].at(0)["loc"].at(1)), "prompt");
  EXPECT_EQ(submit("a fox", R"("output_format":"gif")").status, 422);
}

TEST_F(SimBflHandler, UnknownIdIsTaskNotFound) {
  const SimResponse r = poll("no-such-task");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(status_of(r), "Task not found");
}

TEST_F(SimBflHandler, ModerationIsAPollStatus) {
  EXPECT_EQ(status_of(poll_until_done(submit_id("bad [sim:moderated]"))), "Request Moderated");
  EXPECT_EQ(status_of(poll_until_done(submit_id("bad [sim:moderated=output]"))),
            "Content Moderated");
}

TEST_F(SimBflHandler, FailDirectiveAnswersAtSubmit) {
  const SimResponse limited = submit("x [sim:fail=429,retry-after=3]");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(std::string_view(json(limited)["error"]), "rate_limit_exceeded");
  EXPECT_EQ(int64_t(json(limited)["retry_after"]), 3);
  EXPECT_EQ(testing::header_value(limited, "Retry-After"), "3");
  const SimResponse bare = submit("x [sim:fail=429]");
  EXPECT_EQ(bare.status, 429);
  EXPECT_EQ(testing::header_value(bare, "Retry-After"), "");
  const SimResponse broken = submit("x [sim:fail=500]");
  EXPECT_EQ(broken.status, 500);
  EXPECT_FALSE(std::string_view(json(broken)["detail"]).empty());
  EXPECT_EQ(submit("x [sim:fail=402]").status, 402);
}

TEST_F(SimBflHandler, HangingTaskStaysPendingForever) {
  const std::string id = submit_id("x [sim:hang]");
  f_.context.now += 30min;
  for (int i = 0; i < 20; ++i) EXPECT_EQ(status_of(poll(id)), "Pending");
}

TEST_F(SimBflHandler, DelayHoldsCompletionForThatMuchTime) {
  const std::string id = submit_id("x [sim:delay=1000]");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(status_of(poll(id)), "Pending");
  f_.context.now += 1000ms;
  EXPECT_EQ(status_of(poll(id)), "Ready");
}

TEST_F(SimBflHandler, GarbageAndExpiredSamples) {
  const SimResponse garbage = fetch(
      std::string_view(json(poll_until_done(submit_id("x [sim:garbage]")))["result"]["sample"]));
  EXPECT_EQ(garbage.status, 200);
  EXPECT_FALSE(testing::inspect_png(garbage.body));
  const SimResponse expired = fetch(
      std::string_view(json(poll_until_done(submit_id("x [sim:expired]")))["result"]["sample"]));
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.body.find("<Error>"), std::string::npos);
}

TEST_F(SimBflHandler, SampleUrlExpiresAfterTheResultTtl) {
  const std::string sample =
      testing::text(json(poll_until_done(submit_id("x")))["result"]["sample"]);
  f_.context.now += 10min - 1ms;
  EXPECT_EQ(fetch(sample).status, 200);
  f_.context.now += 1ms;
  EXPECT_EQ(fetch(sample).status, 403);
  f_.context.now += 10min;
  EXPECT_EQ(fetch(sample).status, 404);
  EXPECT_EQ(fetch("http://h/files/unknown.png").status, 404);
}

TEST_F(SimBflHandler, TooManyTasksInFlightPerKeyIs429) {
  f_.services.settings.max_tasks_per_key = 2;
  const std::string first = submit_id("one");
  submit_id("two");
  const SimResponse refused = submit("three");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(testing::header_value(refused, "Retry-After"), "1");
  EXPECT_EQ(submit("other key", R"("width":512,"height":512)", "another-key").status, 200);
  poll_until_done(first);
  EXPECT_EQ(submit("three again").status, 200);
}

TEST_F(SimBflHandler, PartialLimitsDeliveredTasks) {
  EXPECT_EQ(submit("p [sim:partial=1]").status, 200);
  EXPECT_EQ(submit("p [sim:partial=1]").status, 500);
}

}  // namespace
}  // namespace imagegen::sim
