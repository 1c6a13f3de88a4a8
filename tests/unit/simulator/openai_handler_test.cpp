#include "simulator/openai_handler.h"

#include <gtest/gtest.h>

#include "handler_fixture.h"
#include "png_inspect.h"

namespace imagegen::sim {
namespace {

using testing::HandlerFixture;

SimRequest openai_request(std::string body, std::string auth = "Bearer sk-test") {
  HeaderList headers;
  if (!auth.empty()) headers.emplace_back("Authorization", std::move(auth));
  return testing::post("/v1/images/generations", std::move(body), std::move(headers));
}

std::string body_for(std::string_view prompt, std::string_view extra = "") {
  std::string body = R"({"model":"gpt-image-1","prompt":")" + std::string(prompt) + "\"";
  if (!extra.empty()) body += "," + std::string(extra);
  return body + "}";
}

class SimOpenAiHandler : public ::testing::Test {
 protected:
  SimResponse call(const SimRequest& request) { return handle_openai(request, f_.context); }
  simdjson::dom::element json(const SimResponse& r) { return f_.parse(r); }

  void expect_error(const SimResponse& r, int status, std::string_view type, std::string_view param,
                    std::string_view code) {
    EXPECT_EQ(r.status, status) << r.body;
    const auto error = json(r)["error"];
    EXPECT_EQ(std::string_view(error["type"]), type) << r.body;
    if (param.empty()) {
      EXPECT_TRUE(error["param"].is_null()) << r.body;
    } else {
      EXPECT_EQ(std::string_view(error["param"]), param) << r.body;
    }
    if (code.empty()) {
      EXPECT_TRUE(error["code"].is_null()) << r.body;
    } else {
      EXPECT_EQ(std::string_view(error["code"]), code) << r.body;
    }
    EXPECT_FALSE(std::string_view(error["message"]).empty());
  }

  HandlerFixture f_;
};

TEST_F(SimOpenAiHandler, RecognisesItsPath) {
  EXPECT_TRUE(is_openai_path("/v1/images/generations"));
  EXPECT_FALSE(is_openai_path("/images/generations"));
  EXPECT_EQ(openai_family().name, "openai");
}

TEST_F(SimOpenAiHandler, AnswersNImagesWithEveryDocumentedField) {
  const SimResponse r = call(openai_request(body_for("a red fox", R"("n":3,"size":"1536x1024")")));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto reply = json(r);
  EXPECT_EQ(int64_t(reply["created"]), 1'700'000'000);
  const simdjson::dom::array data = reply["data"];
  ASSERT_EQ(data.size(), 3u);
  for (auto entry : data) {
    const auto bytes = testing::base64_decode(std::string_view(entry["b64_json"]));
    ASSERT_TRUE(bytes);
    const auto png = testing::inspect_png(*bytes);
    ASSERT_TRUE(png);
    EXPECT_EQ(png->width, 1536u);
    EXPECT_EQ(png->height, 1024u);
  }
  EXPECT_EQ(std::string_view(reply["background"]), "opaque");
  EXPECT_EQ(std::string_view(reply["output_format"]), "png");
  EXPECT_EQ(std::string_view(reply["quality"]), "medium");
  EXPECT_EQ(std::string_view(reply["size"]), "1536x1024");
  const auto usage = reply["usage"];
  EXPECT_EQ(int64_t(usage["output_tokens"]), 3 * 1584);
  EXPECT_EQ(int64_t(usage["total_tokens"]),
            int64_t(usage["input_tokens"]) + int64_t(usage["output_tokens"]));
}

TEST_F(SimOpenAiHandler, DefaultsToOneSquareImage) {
  const auto reply =
      json(call(openai_request(body_for("fox", R"("n":null,"size":"auto","quality":"auto")"))));
  EXPECT_EQ(simdjson::dom::array(reply["data"]).size(), 1u);
  EXPECT_EQ(std::string_view(reply["size"]), "1024x1024");
}

TEST_F(SimOpenAiHandler, MissingOrMalformedBearerIs401) {
  for (const char* auth : {"", "Basic abc", "Bearer ", "bearer sk"}) {
    expect_error(call(openai_request(body_for("fox"), auth)), 401, "invalid_request_error", "",
                 "invalid_api_key");
  }
}

TEST_F(SimOpenAiHandler, MalformedJsonIs400WithNullParam) {
  for (const char* body : {"{\"model\":\"gpt-image-1\",\"prompt\":", "nope", ""}) {
    expect_error(call(openai_request(body)), 400, "invalid_request_error", "", "");
  }
  expect_error(call(openai_request("[1]")), 400, "invalid_request_error", "", "invalid_type");
}

TEST_F(SimOpenAiHandler, BadSizeNamesTheParam) {
  expect_error(call(openai_request(body_for("fox", R"("size":"512x512")"))), 400,
               "invalid_request_error", "size", "invalid_value");
}

TEST_F(SimOpenAiHandler, BadCountNamesTheParam) {
  expect_error(call(openai_request(body_for("fox", R"("n":0)"))), 400, "invalid_request_error", "n",
               "integer_below_min_value");
  expect_error(call(openai_request(body_for("fox", R"("n":11)"))), 400, "invalid_request_error",
               "n", "integer_above_max_value");
  expect_error(call(openai_request(body_for("fox", R"("n":"2")"))), 400, "invalid_request_error",
               "n", "invalid_type");
  expect_error(call(openai_request(body_for("fox", R"("n":1.5)"))), 400, "invalid_request_error",
               "n", "invalid_type");
}

TEST_F(SimOpenAiHandler, PromptAndModelAreRequired) {
  expect_error(call(openai_request(R"({"model":"gpt-image-1"})")), 400, "invalid_request_error",
               "prompt", "missing_required_parameter");
  expect_error(call(openai_request(R"({"prompt":"fox"})")), 400, "invalid_request_error", "model",
               "missing_required_parameter");
  expect_error(call(openai_request(R"({"model":"dall-e-3","prompt":"fox"})")), 400,
               "invalid_request_error", "model", "invalid_value");
  expect_error(call(openai_request(body_for(""))), 400, "invalid_request_error", "prompt",
               "empty_string");
  expect_error(call(openai_request(body_for(std::string(32'001, 'a')))), 400,
               "invalid_request_error", "prompt", "string_above_max_length");
}

TEST_F(SimOpenAiHandler, RefusesResponseFormatAndBadEnums) {
  expect_error(call(openai_request(body_for("fox", R"("response_format":"b64_json")"))), 400,
               "invalid_request_error", "response_format", "unknown_parameter");
  expect_error(call(openai_request(body_for("fox", R"("quality":"ultra")"))), 400,
               "invalid_request_error", "quality", "invalid_value");
  expect_error(call(openai_request(body_for("fox", R"("output_format":"gif")"))), 400,
               "invalid_request_error", "output_format", "invalid_value");
}

TEST_F(SimOpenAiHandler, ModeratedIs400ModerationBlocked) {
  expect_error(call(openai_request(body_for("fox [sim:moderated]"))), 400,
               "image_generation_user_error", "", "moderation_blocked");
  expect_error(call(openai_request(body_for("fox [sim:moderated=output]"))), 400,
               "image_generation_user_error", "", "moderation_blocked");
}

TEST_F(SimOpenAiHandler, RateLimitCarriesHeadersAndRetryAfter) {
  const SimResponse r = call(openai_request(body_for("fox [sim:fail=429,retry-after=2]")));
  expect_error(r, 429, "requests", "", "rate_limit_exceeded");
  EXPECT_EQ(testing::header_value(r, "Retry-After"), "2");
  EXPECT_EQ(testing::header_value(r, "x-ratelimit-remaining-requests"), "0");
  EXPECT_FALSE(testing::header_value(r, "x-ratelimit-limit-requests").empty());
}

TEST_F(SimOpenAiHandler, ServerErrorsUseServerErrorType) {
  expect_error(call(openai_request(body_for("fox [sim:fail=500]"))), 500, "server_error", "", "");
  expect_error(call(openai_request(body_for("fox [sim:fail=503]"))), 503, "server_error", "", "");
}

TEST_F(SimOpenAiHandler, PartialTrimsTheFirstBatchThenFails) {
  const std::string body = body_for("fox [sim:partial=2]", R"("n":4)");
  const SimResponse first = call(openai_request(body));
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(simdjson::dom::array(json(first)["data"]).size(), 2u);
  expect_error(call(openai_request(body)), 500, "server_error", "", "");
}

TEST_F(SimOpenAiHandler, GarbageImagesAreNotPngs) {
  const auto reply = json(call(openai_request(body_for("fox [sim:garbage]", R"("n":2)"))));
  const simdjson::dom::array data = reply["data"];
  ASSERT_EQ(data.size(), 2u);
  const auto bytes = testing::base64_decode(std::string_view(data.at(0)["b64_json"]));
  ASSERT_TRUE(bytes);
  EXPECT_FALSE(testing::inspect_png(*bytes));
}

TEST_F(SimOpenAiHandler, DelayAndHangAreMarkedForTheServer) {
  EXPECT_EQ(call(openai_request(body_for("fox [sim:delay=1500]"))).delay_ms, 1500u);
  EXPECT_TRUE(call(openai_request(body_for("fox [sim:hang]"))).hang);
}

}  // namespace
}  // namespace imagegen::sim
