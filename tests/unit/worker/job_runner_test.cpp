// JobRunner + ProviderCaller + HttpClient + LocalStorage against a local fake upstream: fan-out,
// retries, validation, ordering and deadlines, end to end inside one process.
#include "worker/job_runner.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "common/image/image_probe.h"
#include "tests/unit/image/test_images.h"
#include "tests/unit/worker/temp_dir.h"
#include "tests/unit/worker/test_fixtures.h"
#include "tests/unit/worker/test_http_server.h"
#include "worker/local_storage.h"

namespace imagegen::worker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

asio::awaitable<void> run_into(JobRunner& runner, const JobSpec& job, const ModelInfo& model,
                               JobOutcome& out) {
  out = co_await runner.run_job(job, model);
}

EnvLookup env_for(const std::string& base) {
  std::map<std::string, std::string> vars{{"IMAGEGEN_PROVIDER_BASE_URL", base},
                                          {"GEMINI_API_KEY", "gem-key"},
                                          {"OPENAI_API_KEY", "oa-key"}};
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TestReply json(int status, std::string body, worker::HeaderList headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return TestReply{status, std::move(headers), std::move(body), false};
}

class JobRunnerTest : public ::testing::Test {
 protected:
  JobOutcome run(const JobSpec& job, const ModelInfo& model) {
    JobOutcome out;
    testing::run_until_done(io_, run_into(runner_, job, model, out));
    return out;
  }
  std::size_t request_count() const { return server_.requests().size(); }

  asio::io_context io_;
  std::function<TestReply(const TestRequest&)> handler_;
  testing::TestHttpServer server_{io_, [this](const TestRequest& r) { return handler_(r); }};
  HttpClient http_{io_};
  ProviderRegistry registry_ = ProviderRegistry::from_env(env_for(server_.base_url()));
  testing::TempDir dir_;
  LocalStorage storage_{dir_.path()};
  WorkerMetrics metrics_;
  // Zero jitter: backoff waits are 0 ms, so retry tests take no wall time.
  JobRunner runner_{http_, registry_, storage_, metrics_, JobRunnerOptions{}, [] { return 0.0; }};
};

TEST_F(JobRunnerTest, GeminiFansOutConcurrentlyAndStoresEveryImageInOrder) {
  handler_ = [](const TestRequest&) {
    return json(200, testing::gemini_image_body(testing::make_png(16, 9)));
  };
  server_.hold_replies_until(3);  // no reply before all three calls are in flight
  const JobSpec job = testing::make_job("nano-banana", 3);
  const JobOutcome out = run(job, testing::nano_banana());

  EXPECT_EQ(out.status(), "succeeded");
  EXPECT_EQ(out.failed, 0);
  EXPECT_EQ(out.blocked, 0);
  ASSERT_EQ(out.stored_paths,
            (std::vector<std::string>{"user-42/generated/generated_job-123_0.png",
                                      "user-42/generated/generated_job-123_1.png",
                                      "user-42/generated/generated_job-123_2.png"}));
  EXPECT_EQ(out.providers, std::vector<std::string>(3, "gemini"));
  for (const auto& p : out.stored_paths) {
    auto info = image::verify_png_decodes(read_file(dir_.path() / p));
    ASSERT_TRUE(info) << p << ": " << info.error().message;
    EXPECT_EQ(info->width, 16u);
  }
  ASSERT_EQ(request_count(), 3u);
  for (const TestRequest& r : server_.requests()) {
    EXPECT_EQ(r.target, "/v1beta/models/gemini-2.5-flash-image:generateContent");
    EXPECT_EQ(r.header("x-goog-api-key"), "gem-key");
  }
  const std::string metrics = metrics_.serialize();
  EXPECT_NE(
      metrics.find(
          R"(imagegen_provider_calls_total{kind="submit",model="nano-banana",outcome="ok",provider="gemini"} 3)"),
      std::string::npos);
  EXPECT_NE(metrics.find(R"(imagegen_images_total{model="nano-banana",outcome="delivered"} 3)"),
            std::string::npos);
  EXPECT_NE(metrics.find(R"(imagegen_storage_writes_total{outcome="ok"} 3)"), std::string::npos);
}

TEST_F(JobRunnerTest, OpenAiAsksForAllImagesInOneCall) {
  handler_ = [](const TestRequest&) {
    const std::string png = testing::make_png(12, 8);
    return json(200, testing::openai_images_body({png, png, png, png}));
  };
  const JobOutcome out = run(testing::make_job("gpt-image-1", 4), testing::gpt_image_1());
  EXPECT_EQ(out.status(), "succeeded");
  EXPECT_EQ(out.delivered(), 4);
  ASSERT_EQ(request_count(), 1u);
  const TestRequest& r = server_.requests()[0];
  EXPECT_EQ(r.target, "/v1/images/generations");
  EXPECT_EQ(r.header("authorization"), "Bearer oa-key");
  EXPECT_NE(r.body.find(R"("n":4)"), std::string::npos);
  EXPECT_EQ(out.providers, std::vector<std::string>(4, "openai"));
}

TEST_F(JobRunnerTest, ShortDeliveryAsksAgainForTheRestThenGivesUpOnThem) {
  handler_ = [this](const TestRequest&) {
    if (request_count() == 1) {
      const std::string png = testing::make_png(4, 4);
      return json(200, testing::openai_images_body({png, png}));
    }
    return json(500,
                R"({"error":{"message":"boom","type":"server_error","param":null,"code":null}})");
  };
  const JobOutcome out = run(testing::make_job("gpt-image-1", 4), testing::gpt_image_1());
  EXPECT_EQ(out.status(), "partial");
  EXPECT_EQ(out.delivered(), 2);
  EXPECT_EQ(out.failed, 2);
  EXPECT_EQ(out.blocked, 0);
  EXPECT_NE(out.last_error.find("transient"), std::string::npos) << out.last_error;
  ASSERT_EQ(request_count(), 5u);  // the delivery, then 4 failed tries for the remaining two
  EXPECT_NE(server_.requests()[1].body.find(R"("n":2)"), std::string::npos);
  EXPECT_EQ(out.stored_paths.back(), "user-42/generated/generated_job-123_1.png");
}

TEST_F(JobRunnerTest, RateLimitedCallIsRetriedAndSucceeds) {
  handler_ = [this](const TestRequest&) {
    if (request_count() == 1) {
      return json(429,
                  R"({"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED"}})",
                  {{"Retry-After", "0"}});
    }
    return json(200, testing::gemini_image_body(testing::make_png(5, 5)));
  };
  const JobOutcome out = run(testing::make_job("nano-banana", 1), testing::nano_banana());
  EXPECT_EQ(out.status(), "succeeded");
  EXPECT_EQ(request_count(), 2u);
  EXPECT_NE(
      metrics_.serialize().find(
          R"(imagegen_provider_calls_total{kind="submit",model="nano-banana",outcome="rate_limited",provider="gemini"} 1)"),
      std::string::npos);
}

TEST_F(JobRunnerTest, ContentBlockIsNeverRetried) {
  handler_ = [](const TestRequest&) {
    return json(200, R"({"promptFeedback":{"blockReason":"SAFETY"}})");
  };
  const JobOutcome out = run(testing::make_job("nano-banana", 2), testing::nano_banana());
  EXPECT_EQ(out.status(), "blocked");
  EXPECT_EQ(out.blocked, 2);
  EXPECT_EQ(out.failed, 0);
  EXPECT_TRUE(out.stored_paths.empty());
  EXPECT_EQ(request_count(), 2u);  // one per image, no retries
  EXPECT_NE(out.last_error.find("content_blocked"), std::string::npos);
}

TEST_F(JobRunnerTest, OpenAiModerationBlocksTheWholeCall) {
  handler_ = [](const TestRequest&) {
    return json(
        400,
        R"({"error":{"message":"rejected","type":"image_generation_user_error","param":null,"code":"moderation_blocked"}})");
  };
  const JobOutcome out = run(testing::make_job("gpt-image-1", 3), testing::gpt_image_1());
  EXPECT_EQ(out.status(), "blocked");
  EXPECT_EQ(out.blocked, 3);
  EXPECT_EQ(request_count(), 1u);
}

TEST_F(JobRunnerTest, BytesThatAreNotAnImageAreRetriedAsMalformed) {
  handler_ = [this](const TestRequest&) {
    if (request_count() == 1)
      return json(200, testing::gemini_image_body("<html>not an image</html>"));
    return json(200, testing::gemini_image_body(testing::make_png(7, 3)));
  };
  const JobOutcome out = run(testing::make_job("nano-banana", 1), testing::nano_banana());
  EXPECT_EQ(out.status(), "succeeded");
  EXPECT_EQ(request_count(), 2u);
}

TEST_F(JobRunnerTest, GarbageEveryTimeFailsAfterTheAttemptLimit) {
  handler_ = [](const TestRequest&) {
    return json(200, testing::gemini_image_body("garbage bytes"));
  };
  const JobOutcome out = run(testing::make_job("nano-banana", 1), testing::nano_banana());
  EXPECT_EQ(out.status(), "failed");
  EXPECT_EQ(out.failed, 1);
  EXPECT_EQ(request_count(), 4u);
  EXPECT_NE(out.last_error.find("not an image"), std::string::npos) << out.last_error;
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
}

TEST_F(JobRunnerTest, AuthFailureIsNotRetried) {
  handler_ = [](const TestRequest&) {
    return json(
        401,
        R"({"error":{"message":"Incorrect API key provided: oa-key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
  };
  const JobOutcome out = run(testing::make_job("gpt-image-1", 2), testing::gpt_image_1());
  EXPECT_EQ(out.status(), "failed");
  EXPECT_EQ(out.failed, 2);
  EXPECT_EQ(request_count(), 1u);
  EXPECT_NE(out.last_error.find("auth"), std::string::npos);
  EXPECT_EQ(out.last_error.find("oa-key"), std::string::npos);  // our key never lands in errors
}

TEST_F(JobRunnerTest, HangingUpstreamEndsAtTheJobDeadline) {
  handler_ = [](const TestRequest&) { return testing::hang_reply(); };
  JobSpec job = testing::make_job("nano-banana", 2);
  job.deadline_ms = testing::unix_ms_from_now(400ms);
  const auto start = std::chrono::steady_clock::now();
  const JobOutcome out = run(job, testing::nano_banana());
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(out.status(), "failed");
  EXPECT_EQ(out.failed, 2);
  EXPECT_NE(out.last_error.find("timeout"), std::string::npos) << out.last_error;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
}

TEST_F(JobRunnerTest, ExpiredJobMakesNoUpstreamCall) {
  handler_ = [](const TestRequest&) { return json(200, "{}"); };
  JobSpec job = testing::make_job("nano-banana", 1);
  job.deadline_ms = testing::unix_ms_from_now(-1s);
  const JobOutcome out = run(job, testing::nano_banana());
  EXPECT_EQ(out.failed, 1);
  EXPECT_EQ(request_count(), 0u);
}

TEST_F(JobRunnerTest, UnknownFamilyFailsEveryImage) {
  ModelInfo m = testing::nano_banana();
  m.provider = "no-such-family";
  handler_ = [](const TestRequest&) { return json(200, "{}"); };
  const JobOutcome out = run(testing::make_job("flux-2-pro", 3), m);
  EXPECT_EQ(out.failed, 3);
  EXPECT_EQ(out.status(), "failed");
  EXPECT_EQ(request_count(), 0u);
}

// Storage that refuses the first write at index 1, to check results[] stays gap-free.
class FlakyStorage final : public Storage {
 public:
  std::string_view name() const override { return "flaky"; }
  asio::awaitable<Result<std::string>> store(const std::string& user_id, const std::string& job_id,
                                             int index, const GeneratedImage& image,
                                             const image::ImageInfo& info,
                                             std::chrono::steady_clock::time_point,
                                             std::chrono::steady_clock::time_point) override {
    calls.push_back(index);
    if (index == 1 && !failed_once) {
      failed_once = true;
      co_return make_error(Errc::kUnavailable, "disk on fire");
    }
    auto path = object_path(user_id, job_id, index, info.ext);
    objects[*path] = image.bytes;
    co_return path;
  }
  std::vector<int> calls;
  std::map<std::string, std::string> objects;
  bool failed_once = false;
};

TEST_F(JobRunnerTest, StorageFailureLeavesNoGapInResults) {
  FlakyStorage flaky;
  JobRunner runner(http_, registry_, flaky, metrics_, JobRunnerOptions{}, [] { return 0.0; });
  int n = 0;
  handler_ = [&n](const TestRequest&) {
    return json(200, testing::gemini_image_body(testing::make_png(10 + n++, 10)));
  };
  JobOutcome out;
  testing::run_until_done(
      io_, run_into(runner, testing::make_job("nano-banana", 3), testing::nano_banana(), out));
  EXPECT_EQ(out.status(), "partial");
  EXPECT_EQ(out.failed, 1);
  EXPECT_NE(out.last_error.find("storage"), std::string::npos);
  ASSERT_EQ(out.stored_paths,
            (std::vector<std::string>{"user-42/generated/generated_job-123_0.png",
                                      "user-42/generated/generated_job-123_1.png"}));
  std::vector<int> calls = flaky.calls;
  std::sort(calls.begin(), calls.end());
  EXPECT_EQ(calls, (std::vector<int>{0, 1, 1, 2}));  // the third image was rewritten at index 1
  EXPECT_NE(flaky.objects[out.stored_paths[0]], flaky.objects[out.stored_paths[1]]);
  EXPECT_NE(metrics_.serialize().find(R"(imagegen_storage_writes_total{outcome="error"} 1)"),
            std::string::npos);
}

// Storage whose store() throws for some indexes: a std::exception at 1, anything else at 2.
class ThrowingStorage final : public Storage {
 public:
  std::string_view name() const override { return "throwing"; }
  asio::awaitable<Result<std::string>> store(const std::string& user_id, const std::string& job_id,
                                             int index, const GeneratedImage&,
                                             const image::ImageInfo& info,
                                             std::chrono::steady_clock::time_point,
                                             std::chrono::steady_clock::time_point) override {
    if (index == 1) throw std::runtime_error("boom");
    if (index == 2) throw 7;
    co_return object_path(user_id, job_id, index, info.ext);
  }
};

TEST(StorageStoreMany, TheDefaultGivesEveryImageItsOwnResultEvenWhenAStoreThrows) {
  ThrowingStorage storage;
  const GeneratedImage image{testing::make_png(2, 2), "image/png"};
  const auto info = image::probe_image(image.bytes).value();
  const std::vector<ImageRef> refs(3, ImageRef{&image, &info});
  asio::io_context io;
  std::vector<Result<std::string>> out;
  const auto now = std::chrono::steady_clock::now();
  testing::run_until_done(io, [&]() -> asio::awaitable<void> {
    out = co_await storage.store_many("u", "j", 0, refs, now + std::chrono::minutes(1), now);
  }());
  ASSERT_EQ(out.size(), 3u);
  ASSERT_TRUE(out[0]);
  EXPECT_EQ(*out[0], "u/generated/generated_j_0.png");
  ASSERT_FALSE(out[1]);
  EXPECT_EQ(out[1].error().code, Errc::kInternal);
  EXPECT_EQ(out[1].error().message, "boom");
  ASSERT_FALSE(out[2]);
  EXPECT_EQ(out[2].error().code, Errc::kInternal);
  EXPECT_EQ(out[2].error().message, "unknown exception");
}

TEST(SplitIntoCalls, RespectsTheLimitPerCall) {
  EXPECT_EQ(split_into_calls(4, 1), (std::vector<int>{1, 1, 1, 1}));
  EXPECT_EQ(split_into_calls(4, 10), (std::vector<int>{4}));
  EXPECT_EQ(split_into_calls(5, 2), (std::vector<int>{2, 2, 1}));
  EXPECT_EQ(split_into_calls(3, 0), (std::vector<int>{1, 1, 1}));
  EXPECT_TRUE(split_into_calls(0, 4).empty());
}

TEST(JobOutcomeStatus, NamesEveryCase) {
  JobOutcome o;
  o.stored_paths = {"a", "b"};
  EXPECT_EQ(o.status(), "succeeded");
  o.failed = 1;
  EXPECT_EQ(o.status(), "partial");
  o.stored_paths.clear();
  EXPECT_EQ(o.status(), "failed");
  o.failed = 0;
  o.blocked = 2;
  EXPECT_EQ(o.status(), "blocked");
  o.failed = 1;
  EXPECT_EQ(o.status(), "failed");
}

}  // namespace
}  // namespace imagegen::worker
