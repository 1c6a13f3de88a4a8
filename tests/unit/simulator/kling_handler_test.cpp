#include "simulator/kling_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"
#include "simulator/files_handler.h"
#include "simulator/kling_jwt.h"
#include "simulator/router.h"

namespace imagegen::sim {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;  // the fixture's wall clock

std::string good_jwt() {
  return sign_kling_jwt("sim-kling-access", "sim-kling-secret", kNow + 1800, kNow - 5);
}

class SimKlingHandler : public ::testing::Test {
 protected:
  SimResponse submit(std::string_view prompt,
                     std::string_view extra = R"("n":2,"aspect_ratio":"1:1")",
                     std::string jwt = good_jwt()) {
    std::string body = R"({"model_name":"kling-v3","prompt":")" + std::string(prompt) + "\"";
    if (!extra.empty()) body += "," + std::string(extra);
    HeaderList headers{{"Host", "sim:3"}};
    if (!jwt.empty()) headers.emplace_back("Authorization", "Bearer " + jwt);
    return handle_kling(testing::post("/v1/images/generations", body + "}", headers), f_.context);
  }
  std::string submit_id(std::string_view prompt,
                        std::string_view extra = R"("n":2,"aspect_ratio":"1:1")") {
    const SimResponse r = submit(prompt, extra);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(int64_t(json(r)["code"]), 0);
    EXPECT_EQ(std::string_view(json(r)["data"]["task_status"]), "submitted");
    return testing::text(json(r)["data"]["task_id"]);
  }
  SimResponse poll(std::string_view id, std::string jwt = good_jwt()) {
    return handle_kling(testing::get("/v1/images/generations/" + std::string(id),
                                     {{"Authorization", "Bearer " + jwt}}),
                        f_.context);
  }
  std::string status_of(const SimResponse& r) {
    return testing::text(json(r)["data"]["task_status"]);
  }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }
  void expect_code(const SimResponse& r, int status, int code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(int64_t(json(r)["code"]), code) << r.body;
    EXPECT_FALSE(std::string_view(json(r)["message"]).empty());
    EXPECT_FALSE(std::string_view(json(r)["request_id"]).empty());
  }

  testing::HandlerFixture f_;
};

TEST_F(SimKlingHandler, WalksSubmittedProcessingSucceedWithNImages) {
  const SimResponse first = submit("a fox");
  ASSERT_EQ(first.status, 200) << first.body;
  const auto reply = json(first);
  EXPECT_EQ(std::string_view(reply["message"]), "SUCCEED");
  EXPECT_EQ(int64_t(reply["data"]["created_at"]), kNow * 1000);
  const std::string id = testing::text(reply["data"]["task_id"]);
  EXPECT_EQ(status_of(poll(id)), "submitted");
  EXPECT_EQ(status_of(poll(id)), "processing");
  const SimResponse done = poll(id);
  ASSERT_EQ(status_of(done), "succeed") << done.body;
  const simdjson::dom::array images = json(done)["data"]["task_result"]["images"];
  ASSERT_EQ(images.size(), 2u);
  std::int64_t index = 0;
  for (auto image : images) {
    EXPECT_EQ(int64_t(image["index"]), index++);
    const std::string url = testing::text(image["url"]);
    const SimResponse file = handle_files(testing::get(testing::url_path(url), {}), f_.context);
    const auto png = testing::inspect_png(file.body);
    ASSERT_TRUE(png);
    EXPECT_EQ(png->width, 1024u);
    EXPECT_EQ(png->height, 1024u);
  }
}

TEST_F(SimKlingHandler, RefusesTokensByReason) {
  expect_code(submit("x", "", ""), 401, 1001);
  expect_code(submit("x", "",
                     sign_kling_jwt("sim-kling-access", "sim-kling-secret", kNow - 1, kNow - 1800)),
              401, 1004);
  expect_code(
      submit("x", "",
             sign_kling_jwt("sim-kling-access", "sim-kling-secret", kNow + 1800, kNow + 60)),
      401, 1003);
  expect_code(
      submit("x", "", sign_kling_jwt("sim-kling-access", "wrong-secret", kNow + 1800, kNow - 5)),
      401, 1002);
  expect_code(
      submit("x", "", sign_kling_jwt("someone-else", "sim-kling-secret", kNow + 1800, kNow - 5)),
      401, 1002);
  expect_code(submit("x", "", "not.a.jwt"), 401, 1002);
  const std::string id = submit_id("x");
  expect_code(poll(id, sign_kling_jwt("sim-kling-access", "sim-kling-secret", kNow, kNow - 1800)),
              401, 1004);
}

TEST_F(SimKlingHandler, SettingsChooseTheKeys) {
  f_.services.settings.kling_access_key = "ak";
  f_.services.settings.kling_secret_key = "sk";
  expect_code(submit("x"), 401, 1002);
  EXPECT_EQ(submit("x", "", sign_kling_jwt("ak", "sk", kNow + 10, kNow)).status, 200);
}

TEST_F(SimKlingHandler, BusinessCodesForFailures) {
  expect_code(submit("x [sim:moderated]"), 400, 1301);
  expect_code(submit("x [sim:fail=429]"), 429, 1302);
  expect_code(submit("x [sim:kling=1102]"), 429, 1102);
  expect_code(submit("x [sim:kling=1303]"), 429, 1303);
  expect_code(submit("x [sim:fail=500]"), 500, 5000);
  expect_code(submit("x [sim:fail=503]"), 503, 5001);
  expect_code(submit("x", R"("n":10)"), 400, 1201);
  expect_code(submit("x", R"("aspect_ratio":"4:5")"), 400, 1201);
  expect_code(poll("unknown"), 400, 1201);
}

TEST_F(SimKlingHandler, OutputModerationFailsTheTask) {
  const std::string id = submit_id("x [sim:moderated=output]");
  SimResponse r;
  for (int i = 0; i < 3; ++i) r = poll(id);
  EXPECT_EQ(status_of(r), "failed");
  EXPECT_FALSE(std::string_view(json(r)["data"]["task_status_msg"]).empty());
}

TEST_F(SimKlingHandler, RouterSendsModelNameBodiesToKling) {
  Router router({}, f_.services);
  const std::string body = R"({"model_name":"kling-v3","prompt":"x"})";
  const SimResponse r = router.dispatch(
      testing::post("/v1/images/generations", body, {{"Authorization", "Bearer " + good_jwt()}}),
      f_.json);
  // The router's clock is the real one, so this fixed-time token has long expired: Kling's 1004.
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("\"code\":1004"), std::string::npos) << r.body;
}

TEST(SimKlingJwt, VerifiesWhatItSigns) {
  EXPECT_EQ(verify_kling_jwt(good_jwt(), "sim-kling-access", "sim-kling-secret", kNow),
            JwtVerdict::kValid);
  std::string tampered = good_jwt();
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_NE(verify_kling_jwt(tampered, "sim-kling-access", "sim-kling-secret", kNow),
            JwtVerdict::kValid);
  EXPECT_EQ(verify_kling_jwt("", "a", "s", kNow), JwtVerdict::kMissing);
}

}  // namespace
}  // namespace imagegen::sim
