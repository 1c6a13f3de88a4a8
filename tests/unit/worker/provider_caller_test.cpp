// ProviderCaller paths the sync families do not reach: async follow-ups (submit, then poll) and
// transport failures.
#include "worker/provider_caller.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "tests/unit/image/test_images.h"
#include "tests/unit/worker/caller_harness.h"
#include "tests/unit/worker/test_fixtures.h"
#include "tests/unit/worker/test_http_server.h"

namespace imagegen::worker {
namespace {

using namespace std::chrono_literals;

// A submit-then-poll protocol in the shape of bfl/runway: the submit answer is the poll URL,
// each poll answers "pending" or "ready:<image bytes>".
class FakeAsyncFamily final : public ProviderFamily {
 public:
  std::string_view name() const override { return "fakeasync"; }
  int max_images_per_call(const ModelInfo&) const override { return 1; }
  HttpRequest build_request(const ModelInfo&, const JobSpec& job, int,
                            const ProviderEndpoint& endpoint) const override {
    HttpRequest r;
    r.method = "POST";
    r.url = endpoint.base_url + "/submit";
    r.headers = {{"x-key", endpoint.api_key}};
    r.body = job.prompt;
    return r;
  }
  ProviderParse parse_response(const HttpResponse& r) const override {
    if (r.status != 200)
      return ProviderError{ProviderErrorKind::kTransient, r.status, "submit failed", std::nullopt};
    return ProviderFollowUp{r.body, "poll", 1ms};
  }
  HttpRequest build_follow_up(const ProviderFollowUp& f,
                              const ProviderEndpoint& endpoint) const override {
    HttpRequest r;
    r.url = f.url;
    r.headers = {{"x-key", endpoint.api_key}};
    return r;
  }
  ProviderParse parse_follow_up(const HttpResponse& r, const ProviderFollowUp& f) const override {
    if (r.body == "pending") return ProviderFollowUp{f.url, f.stage, 1ms};
    if (r.body.starts_with("ready:")) {
      ProviderImages out;
      out.images.push_back(GeneratedImage{r.body.substr(6), "image/png"});
      return out;
    }
    return ProviderError{ProviderErrorKind::kMalformed, r.status, "bad poll answer", std::nullopt};
  }
};

struct Harness : CallerHarness {
  FakeAsyncFamily family;
  ModelInfo model = testing::nano_banana();

  Harness() : CallerHarness("fake") {}
  CallOutcome call(const ProviderEndpoint& endpoint, std::chrono::milliseconds budget) {
    return CallerHarness::call(CallTarget{family, endpoint, model, job}, 1, budget);
  }
};

TEST(ProviderCaller, FollowsPollUrlsUntilTheImageIsReady) {
  Harness h;
  const std::string png = testing::make_png(6, 6);
  int polls = 0;
  std::string base;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/submit") return TestReply{200, {}, base + "/poll/abc", false};
    return TestReply{200, {}, ++polls < 3 ? std::string("pending") : "ready:" + png, false};
  });
  base = server.base_url();
  const CallOutcome out = h.call(ProviderEndpoint{base, "secret-key"}, 10s);
  ASSERT_EQ(out.images.size(), 1u) << out.last_error;
  EXPECT_EQ(out.images[0].image.bytes, png);
  EXPECT_EQ(out.images[0].info.ext, "png");
  EXPECT_EQ(out.tries, 1);
  ASSERT_EQ(server.requests().size(), 4u);  // submit + 3 polls
  for (const TestRequest& r : server.requests()) EXPECT_EQ(r.header("x-key"), "secret-key");
  EXPECT_EQ(server.requests()[1].method, "GET");
  EXPECT_EQ(server.requests()[1].target, "/poll/abc");
}

TEST(ProviderCaller, PollingStopsAtTheDeadline) {
  Harness h;
  std::string base;
  testing::TestHttpServer server(h.io, [&](const TestRequest& r) {
    if (r.target == "/submit") return TestReply{200, {}, base + "/poll/x", false};
    return TestReply{200, {}, "pending", false};
  });
  base = server.base_url();
  const auto start = Clock::now();
  const CallOutcome out = h.call(ProviderEndpoint{base, "k"}, 300ms);
  EXPECT_TRUE(out.images.empty());
  EXPECT_EQ(out.failed, 1);
  EXPECT_NE(out.last_error.find("timeout"), std::string::npos) << out.last_error;
  EXPECT_LT(Clock::now() - start, 3s);
  EXPECT_GT(server.requests().size(), 2u);
}

TEST(ProviderCaller, ConnectionRefusedIsRetriedThenFails) {
  Harness h;
  const std::string base = "http://127.0.0.1:" + std::to_string(testing::refused_port());
  const CallOutcome out = h.call(ProviderEndpoint{base, "k"}, 10s);
  EXPECT_EQ(out.failed, 1);
  EXPECT_EQ(out.tries, 4);
  EXPECT_NE(out.last_error.find("transient"), std::string::npos) << out.last_error;
  // Labels in prometheus-cpp's order: kind, model, outcome, provider.
  const std::string text = h.metrics.serialize();
  EXPECT_NE(text.find(R"(imagegen_provider_calls_total{kind="submit",)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(outcome="transient",provider="fakeasync"} 4)"), std::string::npos) << text;
}

}  // namespace
}  // namespace imagegen::worker
