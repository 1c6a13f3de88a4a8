// Cancelling a job: its provider calls stop at once (waits, polls, hanging exchanges), a running
// Runway task is cancelled upstream with DELETE /v1/tasks/{id}, and nothing is stored.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <set>

#include "tests/unit/worker/caller_harness.h"
#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/temp_dir.h"
#include "tests/unit/worker/test_http_server.h"
#include "worker/cancel_token.h"
#include "worker/job_runner.h"
#include "worker/local_storage.h"
#include "worker/provider_caller.h"
#include "worker/providers/bfl.h"
#include "worker/providers/runway.h"

namespace imagegen::worker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(CancelToken, RunsEachSubscriberOnceAndLateOnesAtOnce) {
  CancelToken token;
  int a = 0, b = 0, late = 0;
  auto sa = token.subscribe([&] { ++a; });
  {
    auto sb = token.subscribe([&] { ++b; });
  }  // unsubscribed: never runs
  EXPECT_FALSE(token.cancelled());
  token.cancel();
  token.cancel();
  EXPECT_TRUE(token.cancelled());
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 0);
  auto sl = token.subscribe([&] { ++late; });
  EXPECT_EQ(late, 1);
}

struct Harness : CallerHarness {
  std::shared_ptr<CancelToken> token = std::make_shared<CancelToken>();

  Harness() : CallerHarness("runway-gen4-image") {}
  // A budget far beyond run_until_done's 30 s limit: finishing at all proves the cancel worked.
  CallOutcome call(const ProviderFamily& family, const ModelInfo& model,
                   const ProviderEndpoint& endpoint) {
    return CallerHarness::call(CallTarget{family, endpoint, model, job, token}, 1, 20min);
  }
  void cancel_later() {
    asio::post(io, [t = token] { t->cancel(); });
  }
};

ModelInfo runway_polling_every(int ms) {
  ModelInfo m = testing::runway_gen4();
  m.poll_interval_ms = ms;
  return m;
}

int count(const std::vector<TestRequest>& reqs, std::string_view method) {
  int n = 0;
  for (const auto& r : reqs) n += r.method == method;
  return n;
}

TEST(CancelCall, RunningRunwayTaskIsDeletedUpstream) {
  Harness h;
  int polls = 0;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/v1/text_to_image") return TestReply{200, {}, R"({"id":"task-1"})", false};
    if (r.method == "DELETE") return TestReply{204, {}, "", false};
    // The second poll trips the cancel while that poll is in flight.
    if (++polls == 2) h.token->cancel();
    return TestReply{200, {}, R"({"id":"task-1","status":"RUNNING"})", false};
  });
  const CallOutcome out =
      h.call(runway_family(), runway_polling_every(5), ProviderEndpoint{server.base_url(), "rk"});
  EXPECT_TRUE(out.images.empty());
  EXPECT_EQ(out.cancelled, 1);
  EXPECT_EQ(out.failed, 1);
  EXPECT_EQ(out.tries, 1);
  const auto& reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);  // submit, two polls, the cancel; no poll after it
  EXPECT_EQ(reqs.back().method, "DELETE");
  EXPECT_EQ(reqs.back().target, "/v1/tasks/task-1");
  EXPECT_EQ(reqs.back().header("authorization"), "Bearer rk");
  EXPECT_EQ(reqs.back().header("x-runway-version"), "2024-11-06");
}

TEST(CancelCall, LongWaitBetweenPollsEndsAtOnce) {
  Harness h;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/v1/text_to_image") {
      h.cancel_later();
      return TestReply{200, {}, R"({"id":"task-2"})", false};
    }
    return TestReply{204, {}, "", false};
  });
  // Ten minutes between polls: only the cancel can end this call inside the test's limit.
  const CallOutcome out = h.call(runway_family(), runway_polling_every(600'000),
                                 ProviderEndpoint{server.base_url(), "rk"});
  EXPECT_EQ(out.cancelled, 1);
  EXPECT_EQ(count(server.requests(), "GET"), 0);
}

TEST(CancelCall, HangingExchangeIsDroppedAndNoCancelCallWithoutOne) {
  Harness h;
  std::string base;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/v1/flux-2-pro") {
      return TestReply{200, {}, R"({"id":"b1","polling_url":")" + base + R"(/poll"})", false};
    }
    h.cancel_later();  // the poll never gets an answer (the exchange timeout is 3 minutes)
    return testing::hang_reply();
  });
  base = server.base_url();
  ModelInfo flux = testing::flux_2_pro();
  flux.poll_interval_ms = 5;
  const CallOutcome out = h.call(bfl_family(), flux, ProviderEndpoint{base, "bk"});
  EXPECT_EQ(out.cancelled, 1);
  EXPECT_EQ(server.requests().size(), 2u);  // BFL has no cancel call
  EXPECT_EQ(count(server.requests(), "DELETE"), 0);
}

asio::awaitable<void> run_into(JobRunner& runner, const JobSpec& job, const ModelInfo& model,
                               std::shared_ptr<CancelToken> cancel, JobOutcome& out) {
  out = co_await runner.run_job(job, model, std::move(cancel));
}

TEST(CancelJob, EveryRunningTaskIsCancelledAndNothingStored) {
  asio::io_context io;
  auto token = std::make_shared<CancelToken>();
  int submits = 0;
  std::set<std::string> polled;
  testing::TestHttpServer server(io, [&](const TestRequest& r) {
    if (r.target == "/v1/text_to_image") {
      return TestReply{200, {}, R"({"id":"t)" + std::to_string(++submits) + R"("})", false};
    }
    if (r.method == "DELETE") return TestReply{204, {}, "", false};
    // Both tasks are running (each polled once): now cancel the job.
    polled.insert(r.target);
    if (polled.size() == 2) token->cancel();
    return TestReply{200, {}, R"({"status":"RUNNING"})", false};
  });
  HttpClient http(io);
  const std::string base = server.base_url();
  const ProviderRegistry registry =
      ProviderRegistry::from_env([&](std::string_view name) -> std::optional<std::string> {
        if (name == "IMAGEGEN_PROVIDER_BASE_URL") return base;
        if (name == "RUNWAY_API_KEY") return "rk";
        return std::nullopt;
      });
  testing::TempDir dir;
  LocalStorage storage(dir.path());
  WorkerMetrics metrics;
  JobRunner runner(http, registry, storage, metrics, JobRunnerOptions{}, [] { return 0.0; });
  const JobSpec job = testing::make_job("runway-gen4-image", 2);
  JobOutcome out;
  testing::run_until_done(io, run_into(runner, job, runway_polling_every(5), token, out));

  EXPECT_TRUE(out.cancelled);
  EXPECT_EQ(out.delivered(), 0);
  EXPECT_EQ(out.failed, 2);
  std::set<std::string> deleted;
  for (const auto& r : server.requests()) {
    if (r.method == "DELETE") deleted.insert(r.target);
  }
  EXPECT_EQ(deleted, (std::set<std::string>{"/v1/tasks/t1", "/v1/tasks/t2"}));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace imagegen::worker
