// POST /api/v1/generate-image end to end: real redis-server, imagegen-sim, worker and api.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/base64.h"
#include "common/crypto.h"
#include "common/image/image_probe.h"
#include "tests/integration/stack.h"
#include "tests/support/wait_for.h"

namespace imagegen::testing {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An ISO-8601 UTC time with milliseconds ("2026-12-01T04:43:00.123Z"); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parse_utc_ms(const std::string& text) {
  std::tm tm{};
  const char* rest = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr || std::strlen(rest) != 5 || rest[0] != '.' || rest[4] != 'Z' ||
      !std::all_of(rest + 1, rest + 4, [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(::timegm(&tm)) +
         std::chrono::milliseconds(std::atoi(rest + 1));
}

// One stack for the whole suite: starting it costs a second; tests use their own users.
class GenerateImage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = new Stack(); }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  Stack& stack() { return *stack_; }

  // Checks the seed's 200 shape and that every stored file decodes as a PNG of w x h.
  void expect_images(const HttpResult& r, const std::string& user_id, const std::string& prompt,
                     const std::string& provider, int count, std::uint32_t w, std::uint32_t h) {
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json_string(r.body, "/prompt"), prompt);
    EXPECT_EQ(json_string(r.body, "/provider"), provider);
    ASSERT_EQ(json_array_size(r.body, "/results"), static_cast<std::size_t>(count)) << r.body;
    EXPECT_EQ(json_string(r.body, "/filePath"), json_string(r.body, "/results/0/filePath"));
    const std::string job_id = json_string(r.body, "/jobId");
    for (int i = 0; i < count; ++i) {
      const std::string base = "/results/" + std::to_string(i);
      const std::string path = json_string(r.body, base + "/filePath");
      EXPECT_EQ(path,
                user_id + "/generated/generated_" + job_id + "_" + std::to_string(i) + ".png");
      EXPECT_EQ(json_string(r.body, base + "/prompt"), prompt);
      EXPECT_EQ(json_string(r.body, base + "/provider"), provider);
      auto info = image::verify_png_decodes(read_file(stack().images_dir() + "/" + path));
      ASSERT_TRUE(info.ok()) << path << ": " << info.error().message;
      EXPECT_EQ(info->width, w) << path;
      EXPECT_EQ(info->height, h) << path;
    }
  }

  static Stack* stack_;
};
Stack* GenerateImage::stack_ = nullptr;

TEST_F(GenerateImage, NanoBananaReturnsTheSeedBodyForOneToFourImages) {
  auto user = stack().create_user("free", 1000);
  for (int count = 1; count <= 4; ++count) {
    const std::string prompt =
        "A sunset over mountains, oil painting style #" + std::to_string(count);
    auto r = stack().post_generate(
        user.api_key,
        R"({"prompt":")" + prompt +
            R"(","model":"nano-banana","aspectRatio":"1:1","resolution":"1K","count":)" +
            std::to_string(count) + "}");
    expect_images(r, user.user_id, prompt, "gemini", count, 1024, 1024);
    EXPECT_EQ(json_int(r.body, "/creditsCharged"), 5 * count);
  }
  EXPECT_EQ(stack().user_number(user.user_id, "balance"), 1000 - 5 * 10);
  EXPECT_EQ(stack().user_number(user.user_id, "held"), 0);
}

TEST_F(GenerateImage, GptImage1ReturnsOneToFourImagesOfTheMappedSize) {
  auto user = stack().create_user("pro", 1000);
  for (int count = 1; count <= 4; ++count) {
    const std::string prompt = "a red fox " + std::to_string(count);
    auto r = stack().post_generate(user.api_key,
                                   R"({"prompt":")" + prompt +
                                       R"(","model":"gpt-image-1","aspectRatio":"16:9","count":)" +
                                       std::to_string(count) + "}");
    expect_images(r, user.user_id, prompt, "openai", count, 1536, 1024);
  }
  EXPECT_EQ(stack().user_number(user.user_id, "balance"), 1000 - 12 * 10);
}

TEST_F(GenerateImage, DefaultModelIsNanoBanana) {
  auto user = stack().create_user("free", 100);
  auto r = stack().post_generate(user.api_key, R"({"prompt":"just a prompt"})");
  expect_images(r, user.user_id, "just a prompt", "gemini", 1, 1024, 1024);
}

TEST_F(GenerateImage, JwtAuthenticatesItsSubject) {
  auto user = stack().create_user("free", 100);
  std::string header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  std::string payload = base64url_encode(R"({"sub":")" + user.user_id + R"(","exp":4102444800})");
  std::string jwt =
      header + "." + payload + "." +
      base64url_encode(crypto::hmac_sha256("integration-secret", header + "." + payload));
  auto r = stack().post_generate(jwt, R"({"prompt":"via jwt"})");
  expect_images(r, user.user_id, "via jwt", "gemini", 1, 1024, 1024);
}

TEST_F(GenerateImage, UnauthorizedBodiesToTheLetter) {
  const std::string k401 = R"({"error":"Unauthorized: Invalid or expired token"})";
  auto missing = stack().post_generate("", R"({"prompt":"x"})");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, k401);
  auto unknown = stack().post_generate(crypto::new_api_key(), R"({"prompt":"x"})");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.body, k401);
  auto user = stack().create_user("free", 100);
  stack().admin("key revoke " + user.api_key);
  auto revoked = stack().post_generate(user.api_key, R"({"prompt":"x"})");
  EXPECT_EQ(revoked.status, 401);
  EXPECT_EQ(revoked.body, k401);
  EXPECT_EQ(stack().user_number(user.user_id, "balance"), 100);
}

TEST_F(GenerateImage, BadRequestsChangeNothing) {
  auto user = stack().create_user("free", 100);
  auto unknown = stack().post_generate(user.api_key, R"({"prompt":"x","model":"invalid-model"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, R"({"error":"Unknown model","model":"invalid-model"})");
  auto count = stack().post_generate(user.api_key, R"({"prompt":"x","count":5})");
  EXPECT_EQ(count.status, 400);
  EXPECT_EQ(json_string(count.body, "/field"), "count");
  auto junk = stack().post_generate(user.api_key, R"({"prompt":)");
  EXPECT_EQ(junk.status, 400);
  EXPECT_EQ(stack().user_number(user.user_id, "balance"), 100);
}

TEST_F(GenerateImage, InsufficientCreditsGivesTheNumbers) {
  auto user = stack().create_user("pro", 10);
  auto r = stack().post_generate(user.api_key, R"({"prompt":"x","model":"gpt-image-1","count":4})");
  EXPECT_EQ(r.status, 402);
  EXPECT_EQ(r.body, R"({"error":"Insufficient credits. Required: 48, Remaining: 10"})");
  EXPECT_EQ(stack().user_number(user.user_id, "balance"), 10);
}

TEST_F(GenerateImage, ProModelRefusedForFreeTier) {
  auto user = stack().create_user("free", 1000);
  auto r = stack().post_generate(user.api_key, R"({"prompt":"x","model":"flux-2-pro"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(
      r.body,
      R"({"error":"This model requires a Pro subscription","code":"MODEL_REQUIRES_SUBSCRIPTION",)"
      R"("model":"flux-2-pro","requiredTier":"Pro"})");
  EXPECT_EQ(stack().user_number(user.user_id, "balance"), 1000);
}

TEST_F(GenerateImage, UpstreamFailureIs500AndRefunded) {
  auto user = stack().create_user("pro", 100);
  auto r = stack().post_generate(
      user.api_key, R"({"prompt":"doomed [sim:fail=500]","model":"gpt-image-1","count":2})");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"error":"Failed to generate image"})");
  EXPECT_EQ(stack().user_number(user.user_id, "balance"), 100);
  EXPECT_EQ(stack().user_number(user.user_id, "held"), 0);
  EXPECT_EQ(stack().user_number(user.user_id, "captured"), 0);
  auto g = stack().post_generate(
      user.api_key, R"({"prompt":"gemini doomed [sim:fail=503]","model":"nano-banana","count":2})");
  EXPECT_EQ(g.status, 500);
  EXPECT_EQ(stack().user_number(user.user_id, "balance"), 100);
}

TEST_F(GenerateImage, JobsAreVisibleToTheirOwnerOnly) {
  auto owner = stack().create_user("free", 100);
  auto other = stack().create_user("free", 100);
  auto r = stack().post_generate(owner.api_key, R"({"prompt":"mine","count":2})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string job_id = json_string(r.body, "/jobId");
  auto mine = stack().get("/api/v1/jobs/" + job_id, owner.api_key);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(json_string(mine.body, "/status"), "succeeded");
  EXPECT_EQ(json_int(mine.body, "/count"), 2);
  EXPECT_EQ(json_int(mine.body, "/creditsCharged"), 10);
  EXPECT_EQ(json_array_size(mine.body, "/results"), 2u);
  EXPECT_EQ(stack().get("/api/v1/jobs/" + job_id, other.api_key).status, 404);
  EXPECT_EQ(stack().get("/api/v1/jobs/ffffffffffffffffffffffff", owner.api_key).status, 404);
  EXPECT_EQ(stack().get("/api/v1/jobs/" + job_id).status, 401);
}

// The job's times are UTC instants in milliseconds: created within a minute of the request (a
// clock or time-zone slip shows as hours), started and finished not before it.
TEST_F(GenerateImage, JobTimesAreUtcAndWithinAMinuteOfTheRequest) {
  auto user = stack().create_user("free", 100);
  const auto sent = std::chrono::system_clock::now();
  auto r = stack().post_generate(user.api_key, R"({"prompt":"timed"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto job = stack().get("/api/v1/jobs/" + json_string(r.body, "/jobId"), user.api_key);
  ASSERT_EQ(job.status, 200) << job.body;
  const auto created = parse_utc_ms(json_string(job.body, "/createdAt"));
  ASSERT_TRUE(created) << job.body;
  EXPECT_LT(std::chrono::abs(*created - sent), std::chrono::seconds(60)) << job.body;
  for (const char* field : {"/startedAt", "/finishedAt"}) {
    const std::string text = json_string(job.body, field);
    if (text.empty()) continue;  // absent (or null)
    const auto at = parse_utc_ms(text);
    ASSERT_TRUE(at) << field << " in " << job.body;
    EXPECT_GE(*at, *created) << field << " in " << job.body;
  }
}

TEST_F(GenerateImage, RoutesAndMethods) {
  EXPECT_EQ(stack().get("/healthz").status, 200);
  EXPECT_EQ(stack().get("/readyz").status, 200);
  EXPECT_EQ(stack().get("/nope").status, 404);
  EXPECT_EQ(stack().get("/api/v1/generate-image").status, 405);
  auto user = stack().create_user("free", 10);
  auto r = http_request(
      "POST", stack().api_url("/api/v1/generate-image"), "prompt=x",
      {"Authorization: Bearer " + user.api_key, "Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(r.status, 415);
  auto big =
      stack().post_generate(user.api_key, R"({"prompt":")" + std::string(200000, 'a') + "\"}");
  EXPECT_EQ(big.status, 413);
}

// A separate stack with a short wait bound: the sim's delay outlasts it.
TEST(GenerateImageTimeout, SlowUpstreamGives504RefundAndExpiredJob) {
  StackOptions o;
  o.wait_timeout_ms = 1000;
  Stack stack(o);
  auto user = stack.create_user("pro", 100);
  auto r = stack.post_generate(user.api_key,
                               R"({"prompt":"slow [sim:delay=4000]","model":"gpt-image-1"})");
  ASSERT_EQ(r.status, 504) << r.body;
  const std::string job_id = json_string(r.body, "/jobId");
  ASSERT_FALSE(job_id.empty());
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100);
  auto job = stack.get("/api/v1/jobs/" + job_id, user.api_key);
  EXPECT_EQ(json_string(job.body, "/status"), "expired");
  // The worker finishes later and must not charge: poll until it has settled its side.
  EXPECT_TRUE(wait_for(
      [&] {
        auto pending = stack.redis().command({"XPENDING", "imagegen:jobs", "workers"});
        return !pending.elements().empty() && pending.elements()[0].as_int() == 0;
      },
      15s));
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), 0);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100);
}

}  // namespace
}  // namespace imagegen::testing
