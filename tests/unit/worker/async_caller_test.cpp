// The shared caller driving real async families against a local server: timers between polls,
// polls retried on network trouble without a new submit, results downloaded by URL.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "tests/unit/image/test_images.h"
#include "tests/unit/worker/caller_harness.h"
#include "tests/unit/worker/providers/family_test_util.h"
#include "worker/providers/bfl.h"
#include "worker/providers/kling.h"
#include "worker/providers/midjourney.h"

namespace imagegen::worker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

struct Harness : CallerHarness {
  explicit Harness(ProviderCallerOptions o = {}) : CallerHarness("flux-2-pro", std::move(o)) {}
  CallOutcome call(const ProviderFamily& family, const ModelInfo& model,
                   const ProviderEndpoint& endpoint, int images,
                   std::chrono::milliseconds budget = 10s) {
    return CallerHarness::call(CallTarget{family, endpoint, model, job}, images, budget);
  }
};

ModelInfo fast_flux() {
  ModelInfo m = testing::flux_2_pro();
  m.poll_interval_ms = 5;
  return m;
}

TEST(AsyncCaller, BflSubmitPollDownload) {
  Harness h;
  const std::string png = testing::make_png(1344, 768);
  std::string base;
  int polls = 0;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/v1/flux-2-pro") {
      return TestReply{
          200, {}, R"({"id":"t1","polling_url":")" + base + R"(/v1/get_result?id=t1"})", false};
    }
    if (r.target == "/v1/get_result?id=t1") {
      const bool ready = ++polls >= 3;
      return TestReply{
          200,
          {},
          ready ? R"({"status":"Ready","result":{"sample":")" + base + R"(/files/t1.png"}})"
                : std::string(R"({"status":"Pending"})"),
          false};
    }
    if (r.target == "/files/t1.png")
      return TestReply{200, {{"Content-Type", "image/png"}}, png, false};
    return TestReply{404, {}, "", false};
  });
  base = server.base_url();
  h.job.aspect_ratio = "16:9";
  const auto start = Clock::now();
  const CallOutcome out = h.call(bfl_family(), fast_flux(), ProviderEndpoint{base, "k1"}, 1);
  ASSERT_EQ(out.images.size(), 1u) << out.last_error;
  EXPECT_EQ(out.images[0].info.width, 1344u);
  EXPECT_EQ(out.images[0].image.bytes, png);
  EXPECT_EQ(out.tries, 1);
  EXPECT_GE(Clock::now() - start, 15ms);  // three waits of the catalog's 5 ms
  const auto& reqs = server.requests();
  ASSERT_EQ(reqs.size(), 5u);  // submit, 3 polls, 1 download
  EXPECT_EQ(reqs[1].header("x-key"), "k1");
  EXPECT_EQ(reqs[4].header("x-key"), "");  // our key never goes to the result host
}

TEST(AsyncCaller, PollNetworkTroubleRetriesThePollNotTheSubmit) {
  Harness h;
  const std::string png = testing::make_png(8, 8);
  std::string base;
  int polls = 0;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/v1/flux-2-pro") {
      return TestReply{200, {}, R"({"polling_url":")" + base + R"(/poll"})", false};
    }
    if (r.target == "/poll") {
      ++polls;
      if (polls == 1) return TestReply{503, {}, "busy", false};
      if (polls == 2) return TestReply{429, {{"Retry-After", "0"}}, "", false};
      return TestReply{
          200, {}, R"({"status":"Ready","result":{"sample":")" + base + R"(/img"}})", false};
    }
    return TestReply{200, {}, png, false};
  });
  base = server.base_url();
  const CallOutcome out = h.call(bfl_family(), fast_flux(), ProviderEndpoint{base, "k"}, 1);
  ASSERT_EQ(out.images.size(), 1u) << out.last_error;
  EXPECT_EQ(out.tries, 1);
  int submits = 0;
  for (const auto& r : server.requests()) submits += r.target == "/v1/flux-2-pro";
  EXPECT_EQ(submits, 1);
  EXPECT_EQ(polls, 3);
}

TEST(AsyncCaller, ModeratedTaskIsBlockedAndNeverResubmitted) {
  Harness h;
  std::string base;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/v1/flux-2-pro") {
      return TestReply{200, {}, R"({"polling_url":")" + base + R"(/poll"})", false};
    }
    return TestReply{200, {}, R"({"status":"Content Moderated"})", false};
  });
  base = server.base_url();
  const CallOutcome out = h.call(bfl_family(), fast_flux(), ProviderEndpoint{base, "k"}, 1);
  EXPECT_EQ(out.blocked, 1);
  EXPECT_EQ(out.failed, 0);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(AsyncCaller, OversizedDownloadIsRefused) {
  ProviderCallerOptions o;
  o.max_download_bytes = 1000;
  o.retry.max_attempts = 1;
  Harness h(o);
  std::string base;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/v1/flux-2-pro") {
      return TestReply{200, {}, R"({"polling_url":")" + base + R"(/poll"})", false};
    }
    if (r.target == "/poll") {
      return TestReply{
          200, {}, R"({"status":"Ready","result":{"sample":")" + base + R"(/big"}})", false};
    }
    return TestReply{200, {}, std::string(5000, 'x'), false};
  });
  base = server.base_url();
  const CallOutcome out = h.call(bfl_family(), fast_flux(), ProviderEndpoint{base, "k"}, 1);
  EXPECT_EQ(out.failed, 1);
  EXPECT_NE(out.last_error.find("exceeds 1000 bytes"), std::string::npos) << out.last_error;
  EXPECT_EQ(server.requests().size(), 3u);  // not downloaded twice
}

TEST(AsyncCaller, DownloadThatIsNotAnImageIsRetriedWithANewSubmit) {
  Harness h;
  const std::string png = testing::make_png(8, 8);
  std::string base;
  int downloads = 0;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/v1/flux-2-pro") {
      return TestReply{200, {}, R"({"polling_url":")" + base + R"(/poll"})", false};
    }
    if (r.target == "/poll") {
      return TestReply{
          200, {}, R"({"status":"Ready","result":{"sample":")" + base + R"(/img"}})", false};
    }
    return TestReply{200, {}, ++downloads == 1 ? std::string("<html>expired</html>") : png, false};
  });
  base = server.base_url();
  const CallOutcome out = h.call(bfl_family(), fast_flux(), ProviderEndpoint{base, "k"}, 1);
  ASSERT_EQ(out.images.size(), 1u) << out.last_error;
  EXPECT_EQ(out.tries, 2);
}

TEST(AsyncCaller, DeadlineStopsPollingOfASlowTask) {
  Harness h;
  std::string base;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/v1/flux-2-pro") {
      return TestReply{200, {}, R"({"polling_url":")" + base + R"(/poll"})", false};
    }
    return TestReply{200, {}, R"({"status":"Pending"})", false};
  });
  base = server.base_url();
  const auto start = Clock::now();
  const CallOutcome out = h.call(bfl_family(), fast_flux(), ProviderEndpoint{base, "k"}, 1, 200ms);
  EXPECT_EQ(out.failed, 1);
  EXPECT_NE(out.last_error.find("timeout"), std::string::npos) << out.last_error;
  EXPECT_LT(Clock::now() - start, 2s);
}

asio::awaitable<void> timed_call(ProviderCaller& caller, CallTarget target,
                                 Clock::time_point deadline, CallOutcome& out,
                                 Clock::time_point& done) {
  out = co_await caller.call(target, 1, deadline);
  done = Clock::now();
}

TEST(AsyncCaller, ASlowTaskHoldsOnlyItsOwnCall) {
  Harness h;
  std::string base;
  const std::string png = testing::make_png(8, 8);
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.method == "POST") {
      const std::string id = r.body.find("slow") != std::string::npos ? "slow" : "fast";
      return TestReply{200, {}, R"({"polling_url":")" + base + "/poll/" + id + R"("})", false};
    }
    if (r.target == "/poll/slow") return TestReply{200, {}, R"({"status":"Pending"})", false};
    if (r.target == "/poll/fast") {
      return TestReply{
          200, {}, R"({"status":"Ready","result":{"sample":")" + base + R"(/img"}})", false};
    }
    return TestReply{200, {}, png, false};
  });
  base = server.base_url();
  const ModelInfo model = fast_flux();
  const AsyncTaskFamily bfl = bfl_family();
  const ProviderEndpoint endpoint{base, "k"};
  JobSpec slow_job = h.job, fast_job = h.job;
  slow_job.prompt = "slow";
  fast_job.prompt = "fast";
  CallOutcome slow, fast;
  Clock::time_point slow_done, fast_done;
  const auto start = Clock::now();
  asio::co_spawn(h.io,
                 timed_call(h.caller, CallTarget{bfl, endpoint, model, slow_job}, start + 800ms,
                            slow, slow_done),
                 asio::detached);
  testing::run_until_done(h.io, timed_call(h.caller, CallTarget{bfl, endpoint, model, fast_job},
                                           start + 10s, fast, fast_done));
  h.io.restart();
  const auto limit = Clock::now() + 3s;
  while (slow_done == Clock::time_point{} && Clock::now() < limit) h.io.run_one_for(50ms);
  ASSERT_EQ(fast.images.size(), 1u) << fast.last_error;
  EXPECT_LT(fast_done - start, 400ms);  // one thread, and the slow task did not block it
  EXPECT_EQ(slow.failed, 1);
  EXPECT_GE(slow_done - start, 700ms);
}

TEST(AsyncCaller, MidjourneyOneTaskServesCountAndDownloadsOnlyThose) {
  Harness h;
  h.job.count = 2;
  std::string base;
  int submits = 0;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/api/v1/task") {
      ++submits;
      return TestReply{
          200, {}, R"({"code":200,"data":{"task_id":"m1","status":"pending"}})", false};
    }
    if (r.target == "/api/v1/task/m1") {
      return TestReply{
          200,
          {},
          R"({"code":200,"data":{"status":"completed","output":{"temporary_image_urls":[")" + base +
              R"(/f/1","/f/2",")" + base + R"(/f/3",")" + base + R"(/f/4"]}}})",
          false};
    }
    const int w = r.target == "/f/1" ? 10 : 20;
    return TestReply{200, {}, testing::make_png(w, w), false};
  });
  base = server.base_url();
  ModelInfo m = testing::midjourney_v7();
  m.poll_interval_ms = 1;
  const CallOutcome out = h.call(midjourney_family(), m, ProviderEndpoint{base, "mk"}, 2);
  ASSERT_EQ(out.images.size(), 2u) << out.last_error;
  EXPECT_EQ(out.images[0].info.width, 10u);
  EXPECT_EQ(submits, 1);
  EXPECT_EQ(server.requests().size(), 4u);  // submit, poll, 2 downloads (not 4)
}

TEST(AsyncCaller, KlingSignsSubmitAndPollAndDownloadsEveryImage) {
  Harness h;
  h.job.count = 3;
  std::string base;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.method == "POST") {
      return TestReply{
          200, {}, R"({"code":0,"data":{"task_id":"k1","task_status":"submitted"}})", false};
    }
    if (r.target == "/v1/images/generations/k1") {
      std::string imgs;
      for (int i = 0; i < 3; ++i) {
        imgs += std::string(i ? "," : "") + R"({"index":)" + std::to_string(i) + R"(,"url":")" +
                base + "/img/" + std::to_string(i) + R"("})";
      }
      return TestReply{
          200,
          {},
          R"({"code":0,"data":{"task_status":"succeed","task_result":{"images":[)" + imgs + "]}}}",
          false};
    }
    return TestReply{200, {}, testing::make_png(12, 12), false};
  });
  base = server.base_url();
  ModelInfo m = testing::kling_v3();
  m.poll_interval_ms = 1;
  const AsyncTaskFamily kling = kling_family([] { return std::int64_t{1'700'000'000}; });
  const CallOutcome out =
      h.call(kling, m, ProviderEndpoint{base, "sim-kling-access", "sim-kling-secret"}, 3);
  ASSERT_EQ(out.images.size(), 3u) << out.last_error;
  const std::string bearer =
      "Bearer " +
      jwt::mint_issuer_token("sim-kling-access", "sim-kling-secret", 1'700'000'000, 1800);
  EXPECT_EQ(server.requests()[0].header("authorization"), bearer);
  EXPECT_EQ(server.requests()[1].header("authorization"), bearer);
  EXPECT_EQ(server.requests()[2].header("authorization"), "");
}

}  // namespace
}  // namespace imagegen::worker
