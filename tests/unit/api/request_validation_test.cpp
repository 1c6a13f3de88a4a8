#include "api/request_validation.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "api/responses.h"

namespace imagegen::api {
namespace {

const Catalog& catalog() {
  static Catalog c = Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json").value();
  return c;
}

// Validation names the error; responses.cpp turns it into the 400 a client sees. Both halves
// are checked here, as the client meets them.
std::variant<GenerateRequest, ApiResponse> validate(const std::string& body,
                                                    std::size_t max_prompt = 10000) {
  auto r = validate_generate_request(body, catalog(), {max_prompt});
  if (auto* err = std::get_if<RequestError>(&r)) return to_response(*err);
  return std::get<GenerateRequest>(std::move(r));
}

struct BadCase {
  const char* name;
  const char* body;
  const char* field;  // "" = no field named (whole-body errors)
};

class RejectsBadBodies : public ::testing::TestWithParam<BadCase> {};

TEST_P(RejectsBadBodies, With400NamingTheField) {
  const BadCase& c = GetParam();
  auto r = validate(c.body);
  ASSERT_TRUE(std::holds_alternative<ApiResponse>(r)) << c.name;
  const auto& res = std::get<ApiResponse>(r);
  EXPECT_EQ(res.status, 400) << c.name;
  if (*c.field) {
    EXPECT_NE(res.body.find(std::string("\"field\":\"") + c.field + "\""), std::string::npos)
        << c.name << res.body;
  }
  simdjson::dom::parser p;
  EXPECT_EQ(p.parse(res.body).error(), simdjson::SUCCESS)
      << "error body must be JSON: " << res.body;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RejectsBadBodies,
    ::testing::Values(
        BadCase{"malformed", R"({"prompt": )", ""}, BadCase{"trailing", R"({"prompt":"a"} x)", ""},
        BadCase{"array", R"(["prompt"])", ""}, BadCase{"invalid utf8", "{\"prompt\":\"\xff\"}", ""},
        BadCase{"empty", "", ""}, BadCase{"missing prompt", R"({"model":"nano-banana"})", "prompt"},
        BadCase{"null prompt", R"({"prompt":null})", "prompt"},
        BadCase{"empty prompt", R"({"prompt":""})", "prompt"},
        BadCase{"blank prompt", R"({"prompt":" \n\t "})", "prompt"},
        BadCase{"numeric prompt", R"({"prompt":5})", "prompt"},
        BadCase{"model not string", R"({"prompt":"a","model":7})", "model"},
        BadCase{"aspect wrong type", R"({"prompt":"a","aspectRatio":1.5})", "aspectRatio"},
        BadCase{"aspect unknown", R"({"prompt":"a","aspectRatio":"7:3"})", "aspectRatio"},
        BadCase{"resolution unknown", R"({"prompt":"a","resolution":"8K"})", "resolution"},
        BadCase{"resolution lower case", R"({"prompt":"a","resolution":"1k"})", "resolution"},
        BadCase{"count zero", R"({"prompt":"a","count":0})", "count"},
        BadCase{"count five", R"({"prompt":"a","count":5})", "count"},
        BadCase{"count float", R"({"prompt":"a","count":2.0})", "count"},
        BadCase{"count string", R"({"prompt":"a","count":"2"})", "count"},
        BadCase{"count huge", R"({"prompt":"a","count":18446744073709551615})", "count"},
        BadCase{"negative wrong type", R"({"prompt":"a","model":"nano-banana","negativePrompt":1})",
                "negativePrompt"},
        BadCase{"seed negative", R"({"prompt":"a","seed":-1})", "seed"},
        BadCase{"seed too big", R"({"prompt":"a","seed":4294967296})", "seed"},
        BadCase{"seed float", R"({"prompt":"a","seed":1.5})", "seed"},
        BadCase{"resolution not offered",
                R"({"prompt":"a","model":"nano-banana","resolution":"2K"})", "resolution"},
        BadCase{"seedream-4-5 has no 1K", R"({"prompt":"a","model":"seedream-4-5"})", "resolution"},
        BadCase{"aspect not offered",
                R"({"prompt":"a","model":"kling-image-v3","aspectRatio":"4:5"})", "aspectRatio"},
        BadCase{"seed unsupported", R"({"prompt":"a","model":"gpt-image-1","seed":3})", "seed"},
        BadCase{"runway turbo needs reference images",
                R"({"prompt":"a","model":"runway-gen4-image-turbo"})", "model"},
        BadCase{"negative unsupported",
                R"({"prompt":"a","model":"gpt-image-1","negativePrompt":"x"})", "negativePrompt"}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (auto& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

TEST(Validation, UnknownModelGetsTheSpecBody) {
  auto r = validate(R"({"prompt":"a","model":"invalid-model"})");
  ASSERT_TRUE(std::holds_alternative<ApiResponse>(r));
  EXPECT_EQ(std::get<ApiResponse>(r).status, 400);
  EXPECT_EQ(std::get<ApiResponse>(r).body, R"({"error":"Unknown model","model":"invalid-model"})");
}

TEST(Validation, DefaultsApply) {
  auto r = validate(R"({"prompt":"A sunset"})");
  ASSERT_TRUE(std::holds_alternative<GenerateRequest>(r));
  const auto& g = std::get<GenerateRequest>(r);
  EXPECT_EQ(g.model->key, "nano-banana");
  EXPECT_EQ(g.aspect_ratio, "1:1");
  EXPECT_EQ(g.resolution, "1K");
  EXPECT_EQ(g.count, 1);
  EXPECT_FALSE(g.seed.has_value());
  EXPECT_TRUE(g.negative_prompt.empty());
}

TEST(Validation, NullMeansDefaultAndUnknownFieldsAreIgnored) {
  auto r = validate(
      R"({"prompt":"x","model":null,"aspectRatio":null,"count":null,"seed":null,"extra":{"a":[1]}})");
  ASSERT_TRUE(std::holds_alternative<GenerateRequest>(r));
  EXPECT_EQ(std::get<GenerateRequest>(r).model->key, "nano-banana");
}

TEST(Validation, EveryFieldAccepted) {
  auto r = validate(
      R"({"prompt":"  keep my spaces ","model":"nano-banana-pro","aspectRatio":"21:9","resolution":"4K","count":4,)"
      R"("negativePrompt":"blur","seed":4294967295})");
  ASSERT_TRUE(std::holds_alternative<GenerateRequest>(r));
  const auto& g = std::get<GenerateRequest>(r);
  EXPECT_EQ(g.prompt, "  keep my spaces ");  // echoed exactly as sent
  EXPECT_EQ(g.count, 4);
  EXPECT_EQ(g.seed, 4294967295u);
  EXPECT_EQ(g.cost_per_image, 25);
  EXPECT_EQ(g.total_cost(), 100);
}

TEST(Validation, PromptLimitCountsCharactersNotBytes) {
  std::string accented;
  for (int i = 0; i < 10; ++i) accented += "\xc3\xa9";  // 10 characters, 20 bytes
  EXPECT_TRUE(
      std::holds_alternative<GenerateRequest>(validate(R"({"prompt":")" + accented + "\"}", 10)));
  auto r = validate(R"({"prompt":")" + accented + "e\"}", 10);
  ASSERT_TRUE(std::holds_alternative<ApiResponse>(r));
  EXPECT_NE(std::get<ApiResponse>(r).body.find("10"), std::string::npos);
}

TEST(Validation, ModelPromptLimitApplies) {
  std::string long_prompt(1001, 'a');  // runway allows 1000
  auto r = validate(R"({"prompt":")" + long_prompt + R"(","model":"runway-gen4-image"})");
  ASSERT_TRUE(std::holds_alternative<ApiResponse>(r));
  EXPECT_NE(std::get<ApiResponse>(r).body.find("\"field\":\"prompt\""), std::string::npos);
}

TEST(Validation, CostIsPerImageTimesCount) {
  auto r = validate(R"({"prompt":"x","model":"gpt-image-1","count":3})");
  ASSERT_TRUE(std::holds_alternative<GenerateRequest>(r));
  EXPECT_EQ(std::get<GenerateRequest>(r).total_cost(), 36);
}

}  // namespace
}  // namespace imagegen::api
