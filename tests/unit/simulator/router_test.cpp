#include "simulator/router.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"

namespace imagegen::sim {
namespace {

SimRequest gemini_post(std::string prompt) {
  return testing::post("/v1beta/models/gemini-2.5-flash-image:generateContent",
                       R"({"contents":[{"parts":[{"text":")" + prompt + R"("}]}]})",
                       {{"x-goog-api-key", "k"}});
}

SimRequest openai_post(std::string prompt) {
  return testing::post("/v1/images/generations",
                       R"({"model":"gpt-image-1","prompt":")" + prompt + "\"}",
                       {{"Authorization", "Bearer k"}});
}

TEST(SimRouter, DispatchesByPath) {
  SimServices services;
  simdjson::ondemand::parser json;
  Router router({}, services);
  EXPECT_NE(router.dispatch(gemini_post("fox"), json).body.find("candidates"), std::string::npos);
  EXPECT_NE(router.dispatch(openai_post("fox"), json).body.find("b64_json"), std::string::npos);
}

TEST(SimRouter, UnknownPathIs404Json) {
  SimServices services;
  simdjson::ondemand::parser json;
  Router router({}, services);
  const SimResponse r = router.dispatch(testing::post("/v2/whatever", "{}", {}), json);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.front(), '{');
}

TEST(SimRouter, WrongMethodIs405InTheFamilyEnvelope) {
  SimServices services;
  simdjson::ondemand::parser json;
  Router router({}, services);
  SimRequest request = openai_post("fox");
  request.method = "GET";
  const SimResponse r = router.dispatch(request, json);
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(r.body.find("\"type\""), std::string::npos);
  EXPECT_EQ(testing::header_value(r, "Allow"), "POST");
}

TEST(SimRouter, HealthzAnswersOk) {
  SimServices services;
  simdjson::ondemand::parser json;
  Router router({}, services);
  EXPECT_EQ(router.dispatch(SimRequest{"GET", "/healthz", {}, ""}, json).status, 200);
}

TEST(SimRouter, LatencyIsAddedToEveryAnswerOnTopOfDelay) {
  SimServices services;
  simdjson::ondemand::parser json;
  Router router({.latency_ms = 25}, services);
  EXPECT_EQ(router.dispatch(gemini_post("fox"), json).delay_ms, 25u);
  EXPECT_EQ(router.dispatch(gemini_post("fox [sim:delay=100]"), json).delay_ms, 125u);
  EXPECT_EQ(router.dispatch(testing::post("/nope", "", {}), json).delay_ms, 25u);
}

TEST(SimRouter, FullFaultRateFailsEveryFamilyRequestInItsEnvelope) {
  SimServices services;
  simdjson::ondemand::parser json;
  Router router({.fault_rate = 1.0}, services);
  const SimResponse g = router.dispatch(gemini_post("fox"), json);
  EXPECT_EQ(g.status, 500);
  EXPECT_NE(g.body.find("\"INTERNAL\""), std::string::npos);
  const SimResponse o = router.dispatch(openai_post("fox"), json);
  EXPECT_EQ(o.status, 500);
  EXPECT_NE(o.body.find("server_error"), std::string::npos);
  EXPECT_EQ(router.dispatch(SimRequest{"GET", "/healthz", {}, ""}, json).status, 200);
}

TEST(SimRouter, EveryFamilyHasANameMethodAndErrorEnvelope) {
  for (const ProtocolFamily* family : all_families()) {
    EXPECT_FALSE(family->name.empty());
    EXPECT_FALSE(family->methods == nullptr);
    const SimResponse r = family->error(503, {});
    EXPECT_EQ(r.status, 503);
    if (family->name != "files") {
      EXPECT_EQ(r.body.front(), '{') << family->name;
    }
  }
}

TEST(SimRouter, EachPathAnswersItsOwnMethodsWithAllow) {
  SimServices services;
  simdjson::ondemand::parser json;
  Router router({}, services);
  // DELETE cancels a Runway task; PUT is nobody's.
  const SimResponse runway = router.dispatch(SimRequest{"PUT", "/v1/tasks/abc", {}, ""}, json);
  EXPECT_EQ(runway.status, 405);
  EXPECT_EQ(testing::header_value(runway, "Allow"), "GET, DELETE");
  const SimResponse bfl = router.dispatch(SimRequest{"GET", "/v1/flux-2-pro", {}, ""}, json);
  EXPECT_EQ(bfl.status, 405);
  EXPECT_EQ(testing::header_value(bfl, "Allow"), "POST");
  const SimResponse storage =
      router.dispatch(SimRequest{"DELETE", "/storage/v1/object/b/p", {}, ""}, json);
  EXPECT_EQ(testing::header_value(storage, "Allow"), "GET, POST, PUT");
  EXPECT_EQ(router.dispatch(SimRequest{"GET", "/v1/images/generations", {}, ""}, json).status, 405);
}

TEST(SimRouter, EveryNewFamilyIsReachable) {
  SimServices services;
  simdjson::ondemand::parser json;
  Router router({}, services);
  const HeaderList bearer{{"Authorization", "Bearer k"}};
  // Without valid bodies each answers its own validation error: proof the path reached it.
  EXPECT_EQ(router.dispatch(testing::post("/v1/flux-2-max", "{}", {{"x-key", "k"}}), json).status,
            422);
  EXPECT_EQ(router.dispatch(testing::post("/v1/text_to_image", "{}", bearer), json).status, 400);
  EXPECT_NE(router.dispatch(testing::post("/api/v1/task", "{}", {{"x-api-key", "k"}}), json)
                .body.find("\"data\""),
            std::string::npos);
  EXPECT_NE(router.dispatch(testing::post("/api/v3/images/generations", "{}", bearer), json)
                .body.find("\"type\""),
            std::string::npos);
  EXPECT_NE(router.dispatch(testing::post("/api/v1/chat/completions", "{}", bearer), json)
                .body.find("\"code\":400"),
            std::string::npos);
  EXPECT_NE(router.dispatch(testing::get("/api/v1/tasks/x", bearer), json).body.find("UNKNOWN"),
            std::string::npos);
  EXPECT_EQ(router.dispatch(testing::get("/files/none.png", {}), json).status, 404);
}

}  // namespace
}  // namespace imagegen::sim
