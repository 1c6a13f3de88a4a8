#include "worker/http_client.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "tests/unit/worker/test_http_server.h"

namespace imagegen::worker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::TestHttpServer;

using MaybeResponse = std::optional<Result<HttpResponse>>;

asio::awaitable<void> fetch_into(HttpClient& client, HttpRequest req,
                                 std::chrono::milliseconds timeout, MaybeResponse& out) {
  out.emplace(co_await client.fetch(std::move(req), timeout));
}

asio::awaitable<void> fetch_n_sequential(HttpClient& client, std::string url, int n,
                                         std::vector<int>& statuses) {
  for (int i = 0; i < n; ++i) {
    // A named request: GCC 12 double-destroys braced temporaries inside co_await expressions.
    HttpRequest req{"GET", url, {}, {}};
    auto r = co_await client.fetch(std::move(req), 5s);
    statuses.push_back(r ? r->status : -1);
  }
}

HttpRequest get(const std::string& url) { return HttpRequest{"GET", url, {}, {}}; }

TEST(HttpClient, ReturnsLargeBodyStatusAndLowerCasedHeaders) {
  asio::io_context io;
  std::string big(8 * 1024 * 1024 + 17, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4096)
    big[i] = static_cast<char>('a' + (i / 4096) % 26);
  TestHttpServer server(io, [&](const TestRequest&) {
    return TestReply{201, {{"X-Custom-Thing", "  value 1 "}, {"Content-Type", "image/png"}}, big};
  });
  HttpClient client(io);
  MaybeResponse r;
  testing::run_until_done(io, fetch_into(client, get(server.base_url() + "/big"), 10s, r));
  ASSERT_TRUE(r && *r) << (*r).error().message;
  EXPECT_EQ((*r)->status, 201);
  EXPECT_EQ((*r)->body.size(), big.size());
  EXPECT_TRUE((*r)->body == big);
  ASSERT_NE((*r)->header("x-custom-thing"), nullptr);
  EXPECT_EQ(*(*r)->header("x-custom-thing"), "value 1");
  EXPECT_EQ(*(*r)->header("content-type"), "image/png");
}

TEST(HttpClient, SendsMethodHeadersAndBodyWithoutExpectContinue) {
  asio::io_context io;
  TestHttpServer server(io, [](const TestRequest& req) { return TestReply{200, {}, req.body}; });
  HttpClient client(io);
  // Big enough that curl would add `Expect: 100-continue` by default.
  std::string body(2 * 1024 * 1024, 'b');
  HttpRequest req{"POST",
                  server.base_url() + "/v1/x?y=1",
                  {{"X-Api-Key", "k1"}, {"Content-Type", "application/json"}},
                  body};
  MaybeResponse r;
  testing::run_until_done(io, fetch_into(client, req, 10s, r));
  ASSERT_TRUE(r && *r) << (*r).error().message;
  ASSERT_EQ(server.requests().size(), 1u);
  const TestRequest& seen = server.requests()[0];
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/v1/x?y=1");
  EXPECT_EQ(seen.header("x-api-key"), "k1");
  EXPECT_EQ(seen.header("content-type"), "application/json");
  EXPECT_EQ(seen.header("expect"), "");
  EXPECT_EQ(seen.body.size(), body.size());
  EXPECT_EQ((*r)->body.size(), body.size());
}

TEST(HttpClient, NonSuccessStatusIsAResponseNotAnError) {
  asio::io_context io;
  TestHttpServer server(io, [](const TestRequest&) {
    return TestReply{503, {{"Retry-After", "2"}}, R"({"error":{"code":503}})"};
  });
  HttpClient client(io);
  MaybeResponse r;
  testing::run_until_done(io, fetch_into(client, get(server.base_url()), 5s, r));
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->status, 503);
  EXPECT_EQ(*(*r)->header("retry-after"), "2");
}

TEST(HttpClient, ReusesOneKeepAliveConnectionForSequentialRequests) {
  asio::io_context io;
  TestHttpServer server(io, [](const TestRequest&) { return TestReply{200, {}, "ok"}; });
  HttpClient client(io);
  std::vector<int> statuses;
  testing::run_until_done(io, fetch_n_sequential(client, server.base_url() + "/a", 5, statuses));
  EXPECT_EQ(statuses, std::vector<int>(5, 200));
  EXPECT_EQ(server.requests().size(), 5u);
  EXPECT_EQ(server.connections_accepted(), 1);
  EXPECT_EQ(client.connections_open(), 1u);  // kept for the next request, watched throughout
}

TEST(HttpClient, AReusedHandleCarriesNothingFromItsPreviousRequest) {
  asio::io_context io;
  TestHttpServer server(io, [](const TestRequest& req) { return TestReply{200, {}, req.target}; });
  HttpClient client(io);
  HttpRequest post{"POST", server.base_url() + "/first", {{"X-Api-Key", "k1"}}, "a body"};
  MaybeResponse first;
  MaybeResponse second;
  testing::run_until_done(io, fetch_into(client, post, 5s, first));
  // The first transfer's handle went back to the pool; the second request takes it.
  EXPECT_EQ(client.idle_handles(), 1u);
  testing::run_until_done(io, fetch_into(client, get(server.base_url() + "/second"), 5s, second));
  ASSERT_TRUE(first && *first && second && *second);
  EXPECT_EQ((*second)->body, "/second");
  EXPECT_EQ(client.idle_handles(), 1u);  // one handle served both requests
  ASSERT_EQ(server.requests().size(), 2u);
  const TestRequest& seen = server.requests()[1];
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.header("x-api-key"), "");  // the first request's header list is gone
  EXPECT_EQ(seen.header("content-length"), "");
  EXPECT_EQ(seen.body, "");
}

TEST(HttpClient, AKeptConnectionTheServerClosedIsReplacedAndClosedOnce) {
  asio::io_context io;
  TestHttpServer server(io, [](const TestRequest& req) {
    TestReply reply{200, {}, "ok"};
    reply.close_after = req.target == "/first";
    return reply;
  });
  HttpClient client(io);
  MaybeResponse first;
  MaybeResponse second;
  testing::run_until_done(io, fetch_into(client, get(server.base_url() + "/first"), 5s, first));
  // The first connection is now dead but still watched. Whether curl's liveness check finds it
  // dead before reusing it or the send fails and curl retries, the request goes out on a new
  // connection, and the dead one must be closed through the multi, not leaked or closed twice.
  testing::run_until_done(io, fetch_into(client, get(server.base_url() + "/second"), 5s, second));
  ASSERT_TRUE(first && *first) << (first && !*first ? first->error().message : "");
  ASSERT_TRUE(second && *second) << (second && !*second ? second->error().message : "");
  EXPECT_EQ((*second)->status, 200);
  EXPECT_EQ(server.connections_accepted(), 2);
  // curl closed the dead connection through the multi: only the new one is left open.
  EXPECT_EQ(client.connections_open(), 1u);
}

TEST(HttpClient, RunsConcurrentRequests) {
  asio::io_context io;
  TestHttpServer server(io, [](const TestRequest& req) { return TestReply{200, {}, req.target}; });
  HttpClient client(io);
  constexpr int kN = 20;
  std::vector<MaybeResponse> results(kN);
  int finished = 0;
  for (int i = 0; i < kN; ++i) {
    asio::co_spawn(
        io, fetch_into(client, get(server.base_url() + "/" + std::to_string(i)), 5s, results[i]),
        [&](std::exception_ptr e) {
          ASSERT_FALSE(e);
          ++finished;
        });
  }
  while (finished < kN && io.run_one_for(5s) > 0) {
  }
  ASSERT_EQ(finished, kN);
  for (int i = 0; i < kN; ++i) {
    ASSERT_TRUE(results[i] && *results[i]);
    EXPECT_EQ((*results[i])->body, "/" + std::to_string(i));
  }
}

TEST(HttpClient, ConnectionRefusedIsUnavailable) {
  asio::io_context io;
  HttpClient client(io);
  MaybeResponse r;
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::refused_port()) + "/";
  testing::run_until_done(io, fetch_into(client, get(url), 5s, r));
  ASSERT_TRUE(r);
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().code, Errc::kUnavailable) << r->error().message;
}

TEST(HttpClient, ServerThatNeverAnswersTimesOut) {
  asio::io_context io;
  TestHttpServer server(io, [](const TestRequest&) { return testing::hang_reply(); });
  HttpClient client(io);
  MaybeResponse r;
  const auto start = std::chrono::steady_clock::now();
  testing::run_until_done(io, fetch_into(client, get(server.base_url()), 300ms, r));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().code, Errc::kTimeout) << r->error().message;
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(server.requests().size(), 1u);  // the request did arrive; only the answer is missing
}

TEST(HttpClient, BodyOverTheCapIsRefused) {
  asio::io_context io;
  TestHttpServer server(io, [](const TestRequest&) {
    return TestReply{200, {}, std::string(5000, 'z')};
  });
  HttpClientOptions options;
  options.max_response_bytes = 4096;
  HttpClient client(io, options);
  MaybeResponse r;
  testing::run_until_done(io, fetch_into(client, get(server.base_url()), 5s, r));
  ASSERT_TRUE(r);
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().code, Errc::kProtocol) << r->error().message;
}

TEST(HttpClient, RefusesNonHttpSchemes) {
  asio::io_context io;
  HttpClient client(io);
  MaybeResponse r;
  testing::run_until_done(io, fetch_into(client, get("file:///etc/passwd"), 5s, r));
  ASSERT_TRUE(r);
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().code, Errc::kInvalidArgument) << r->error().message;
}

TEST(HttpClient, DestroyingWithRequestsInFlightCompletesThemAsUnavailable) {
  asio::io_context io;
  TestHttpServer server(io, [](const TestRequest&) { return testing::hang_reply(); });
  auto client = std::make_unique<HttpClient>(io);
  MaybeResponse r;
  bool finished = false;
  asio::co_spawn(io, fetch_into(*client, get(server.base_url()), 30s, r),
                 [&](std::exception_ptr e) {
                   EXPECT_FALSE(e);
                   finished = true;
                 });
  // Run until the server has the request, so the transfer is really in flight.
  while (server.requests().empty() && io.run_one_for(5s) > 0) {
  }
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(client->in_flight(), 1u);
  client.reset();
  while (!finished && io.run_one_for(5s) > 0) {
  }
  ASSERT_TRUE(finished);
  ASSERT_TRUE(r);
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().code, Errc::kUnavailable);
}

}  // namespace
}  // namespace imagegen::worker
