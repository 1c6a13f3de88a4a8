// Jobs beyond one HTTP wait (issue 11), against the real binaries: Prefer respond-async and
// wait=N, cancel, deadlines, and signed webhooks with durable retries.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "common/webhook_target.h"
#include "tests/integration/stack.h"
#include "tests/support/wait_for.h"
#include "tests/unit/worker/test_http_server.h"

namespace imagegen::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kCost = 12;  // gpt-image-1, one image, pro

// A webhook receiver on its own thread: answers the n-th request (from 0) with status_for(n)
// and keeps every request for the test to inspect.
class Receiver {
 public:
  explicit Receiver(std::function<int(std::size_t)> status_for)
      : status_for_(std::move(status_for)),
        server_(io_,
                [this](const TestRequest& r) {
                  std::lock_guard lock(mu_);
                  TestReply reply;
                  reply.status = status_for_(requests_.size());
                  requests_.push_back(r);
                  return reply;
                }),
        thread_([this] { io_.run(); }) {}
  ~Receiver() {
    io_.stop();
    thread_.join();
  }
  std::string url() const { return server_.base_url() + "/hooks/imagegen"; }
  unsigned short port() const { return server_.port(); }
  std::vector<TestRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::size_t count() {
    std::lock_guard lock(mu_);
    return requests_.size();
  }

 private:
  std::function<int(std::size_t)> status_for_;
  std::mutex mu_;
  std::vector<TestRequest> requests_;
  boost::asio::io_context io_;
  TestHttpServer server_;
  std::thread thread_;
};

// Standard Webhooks verification, written from the specification (OpenSSL directly, not the
// product's signing code): v1,base64(HMAC-SHA256(base64decode(secret minus whsec_), id.ts.body)).
bool signature_verifies(const std::string& secret, const TestRequest& r) {
  const std::string b64 = secret.substr(6);
  std::string key(b64.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(key.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return false;
  key.resize(static_cast<std::size_t>(n) - (b64.ends_with("==") ? 2 : b64.ends_with("=") ? 1 : 0));
  const std::string content =
      r.header("webhook-id") + "." + r.header("webhook-timestamp") + "." + r.body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  std::string expected(4 * ((mac_len + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(expected.data()), mac,
                  static_cast<int>(mac_len));
  return r.header("webhook-signature") == "v1," + expected;
}

StackOptions webhook_stack(std::int64_t retry_base_ms = 200) {
  StackOptions o;
  o.api_env["IMAGEGEN_WEBHOOK_ALLOW_PRIVATE"] = "1";
  o.worker_env["IMAGEGEN_WEBHOOK_ALLOW_PRIVATE"] = "1";
  o.worker_env["IMAGEGEN_WEBHOOK_RETRY_BASE_MS"] = std::to_string(retry_base_ms);
  return o;
}

std::string async_body(const std::string& prompt, const std::string& webhook = "") {
  std::string b = R"({"prompt":")" + prompt + R"(","model":"gpt-image-1")";
  if (!webhook.empty()) b += R"(,"webhookUrl":")" + webhook + "\"";
  return b + "}";
}

HttpResult cancel(Stack& stack, const std::string& job_id, const std::string& key) {
  return http_request("POST", stack.api_url("/api/v1/jobs/" + job_id + "/cancel"), "",
                      {"Authorization: Bearer " + key});
}

std::string job(Stack& stack, const std::string& job_id, const std::string& key) {
  return stack.get("/api/v1/jobs/" + job_id, key).body;
}

// Every stream entry was settled by a worker (its SETTLE acks and deletes the entry), the late
// settlements of jobs someone else settled first included.
bool stream_drained(Stack& stack) {
  return stack.redis().command({"XLEN", "imagegen:jobs"}).as_int().value_or(-1) == 0;
}

bool audit_clean(Stack& stack) { return stack.admin("audit").find("clean") != std::string::npos; }

std::string webhook_state(Stack& stack, const std::string& job_id, const std::string& key) {
  return json_string(job(stack, job_id, key), "/webhook/status");
}

TEST(Webhooks, A500IsRetriedWithTheSameIdAndBothSignaturesVerify) {
  Stack stack(webhook_stack());
  auto user = stack.create_user("pro", 100);
  Receiver receiver([](std::size_t n) { return n == 0 ? 500 : 204; });
  auto r = stack.post_generate(user.api_key, async_body("hooked fox", receiver.url()),
                               {"Prefer: respond-async"});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = json_string(r.body, "/jobId");
  ASSERT_TRUE(wait_for([&] { return webhook_state(stack, id, user.api_key) == "delivered"; }, 30s))
      << job(stack, id, user.api_key);
  auto secret = stack.get("/api/v1/webhooks/secret", user.api_key);
  ASSERT_EQ(secret.status, 200) << secret.body;
  const std::string key = json_string(secret.body, "/key");
  ASSERT_TRUE(key.starts_with("whsec_")) << key;
  EXPECT_EQ(json_string(stack.admin("webhook secret " + user.user_id + " --json"), "/key"), key);
  EXPECT_EQ(stack.get("/api/v1/webhooks/secret", user.api_key).body, secret.body);  // stable

  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].header("webhook-id"), requests[1].header("webhook-id"));
  EXPECT_FALSE(requests[0].header("webhook-id").empty());
  for (const auto& req : requests) {
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target, "/hooks/imagegen");
    EXPECT_TRUE(signature_verifies(key, req)) << req.header("webhook-signature");
    EXPECT_EQ(json_string(req.body, "/jobId"), id);
    EXPECT_EQ(json_string(req.body, "/status"), "succeeded");
    EXPECT_EQ(json_int(req.body, "/creditsCharged"), kCost);
  }
  const std::string final_job = job(stack, id, user.api_key);
  EXPECT_EQ(json_int(final_job, "/webhook/attempts"), 2);
  EXPECT_EQ(json_int(final_job, "/webhook/lastStatus"), 204);
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), kCost);
  EXPECT_TRUE(audit_clean(stack));
}

TEST(Webhooks, A410StopsDelivery) {
  Stack stack(webhook_stack());
  auto user = stack.create_user("pro", 100);
  Receiver receiver([](std::size_t) { return 410; });
  auto r = stack.post_generate(user.api_key, async_body("gone fox", receiver.url()),
                               {"Prefer: respond-async"});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = json_string(r.body, "/jobId");
  ASSERT_TRUE(wait_for([&] { return webhook_state(stack, id, user.api_key) == "failed"; }, 30s));
  // No further attempt is scheduled: the delivery left the schedule.
  EXPECT_TRUE(stack.redis().command({"ZSCORE", "imagegen:webhooks:due", id}).is_nil());
  EXPECT_EQ(receiver.count(), 1u);
  EXPECT_EQ(json_int(job(stack, id, user.api_key), "/webhook/attempts"), 1);
}

TEST(Webhooks, AKilledWorkerBetweenAttemptsLosesNoDelivery) {
  // A long first pause so the worker is killed while the second attempt waits in Redis.
  Stack stack(webhook_stack(2500));
  auto user = stack.create_user("pro", 100);
  Receiver receiver([](std::size_t n) { return n == 0 ? 503 : 200; });
  auto r = stack.post_generate(user.api_key, async_body("crash fox", receiver.url()),
                               {"Prefer: respond-async"});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = json_string(r.body, "/jobId");
  // The first attempt's 503 is recorded and the retry scheduled before the kill.
  ASSERT_TRUE(wait_for(
      [&] {
        auto j = job(stack, id, user.api_key);
        return json_int(j, "/webhook/lastStatus") == 503 &&
               !json_string(j, "/webhook/nextAttemptAt").empty();
      },
      30s));
  stack.worker(0).kill(SIGKILL);
  stack.start_worker();
  ASSERT_TRUE(wait_for([&] { return webhook_state(stack, id, user.api_key) == "delivered"; }, 30s));
  EXPECT_EQ(receiver.count(), 2u);  // one failed attempt, one delivery
  EXPECT_EQ(json_int(job(stack, id, user.api_key), "/webhook/attempts"), 2);
}

TEST(Webhooks, PrivateAndNonHttpUrlsAreRefusedAtAdmissionAndNothingIsHeld) {
  Stack stack;  // IMAGEGEN_WEBHOOK_ALLOW_PRIVATE unset: the SSRF rule holds
  auto user = stack.create_user("pro", 100);
  for (const std::string url :
       {"http://127.0.0.1:9/x", "http://10.1.2.3/x", "http://[::1]/x", "http://169.254.169.254/",
        "ftp://example.com/x", "file:///etc/passwd", "not a url"}) {
    auto r =
        stack.post_generate(user.api_key, async_body("ssrf fox", url), {"Prefer: respond-async"});
    EXPECT_EQ(r.status, 400) << url << " " << r.body;
    EXPECT_NE(json_string(r.body, "/error").find("webhookUrl"), std::string::npos) << r.body;
  }
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100);
  EXPECT_EQ(stack.redis().command({"ZCARD", "imagegen:deadlines"}).as_int().value_or(-1), 0);
}

// This machine's name, when it resolves to an address webhooks may not reach (127.0.1.1 on
// Debian, 127.0.0.1 or a private address in containers); "" otherwise.
std::string host_resolving_to_forbidden_address() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "";
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* res = nullptr;
  if (::getaddrinfo(name, nullptr, &hints, &res) != 0) return "";
  bool forbidden = res != nullptr;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    char ip[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, ip, sizeof(ip));
    forbidden = forbidden && is_forbidden_address(ip);
  }
  ::freeaddrinfo(res);
  return forbidden ? std::string(name) : "";
}

TEST(Webhooks, AHostThatResolvesToAForbiddenAddressIsRefusedAtDeliveryNeverSent) {
  const std::string host = host_resolving_to_forbidden_address();
  if (host.empty()) GTEST_SKIP() << "this machine's name does not resolve to a private address";
  Stack stack;  // no ALLOW_PRIVATE: a host name passes admission (not a literal), not delivery
  auto user = stack.create_user("pro", 100);
  Receiver receiver([](std::size_t) { return 204; });
  const std::string url = "http://" + host + ":" + std::to_string(receiver.port()) + "/hook";
  auto r = stack.post_generate(user.api_key, async_body("rebinding fox", url),
                               {"Prefer: respond-async"});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = json_string(r.body, "/jobId");
  ASSERT_TRUE(wait_for([&] { return webhook_state(stack, id, user.api_key) == "failed"; }, 30s))
      << job(stack, id, user.api_key);
  EXPECT_EQ(receiver.count(), 0u);
  EXPECT_NE(stack.redis()
                .command({"HGET", "imagegen:job:" + id, "hook_error"})
                .as_string()
                .find("address refused"),
            std::string::npos);
}

TEST(Async, RespondAsyncIs202WithLocationAndTheJobRunsToTheEnd) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  auto r = stack.post_generate(user.api_key, async_body("async fox"), {"Prefer: respond-async"});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = json_string(r.body, "/jobId");
  EXPECT_EQ(r.headers["location"], "/api/v1/jobs/" + id);
  EXPECT_EQ(r.headers["preference-applied"], "respond-async");
  EXPECT_FALSE(json_string(r.body, "/status").empty());
  ASSERT_TRUE(wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") == "succeeded"; }, 30s));
  const std::string j = job(stack, id, user.api_key);
  EXPECT_FALSE(json_string(j, "/createdAt").empty());
  EXPECT_FALSE(json_string(j, "/startedAt").empty());
  EXPECT_FALSE(json_string(j, "/finishedAt").empty());
  EXPECT_EQ(json_int(j, "/creditsCharged"), kCost);
  EXPECT_EQ(json_array_size(j, "/results"), 1u);
}

TEST(Async, ReplayOfAnAsyncAdmissionIsTheSame202AndTheSameJob) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  const std::string body = async_body("replayed fox [sim:delay=2000]");
  auto first =
      stack.post_generate(user.api_key, body, {"Prefer: respond-async", "Idempotency-Key: a1"});
  ASSERT_EQ(first.status, 202) << first.body;
  auto again =
      stack.post_generate(user.api_key, body, {"Prefer: respond-async", "Idempotency-Key: a1"});
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(json_string(again.body, "/jobId"), json_string(first.body, "/jobId"));
  EXPECT_EQ(again.headers["location"], first.headers["location"]);
  const std::string id = json_string(first.body, "/jobId");
  ASSERT_TRUE(wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") == "succeeded"; }, 30s));
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100 - kCost);
}

TEST(Async, WaitOneOnAThreeSecondJobIs202ThenTheJobSucceedsChargedOnce) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  auto r = stack.post_generate(user.api_key, async_body("patient fox [sim:delay=3000]"),
                               {"Prefer: wait=1"});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.headers["preference-applied"], "wait=1");
  const std::string id = json_string(r.body, "/jobId");
  EXPECT_NE(json_string(job(stack, id, user.api_key), "/status"), "expired");
  ASSERT_TRUE(wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") == "succeeded"; }, 30s));
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100 - kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
}

TEST(Async, AJobPastItsDeadlineIsExpiredAndRefunded) {
  StackOptions o;
  o.api_env["IMAGEGEN_JOB_DEADLINE_MS"] = "1000";
  o.worker_env["IMAGEGEN_DEADLINE_GRACE_MS"] = "200";
  Stack stack(o);
  auto user = stack.create_user("pro", 100);
  auto r = stack.post_generate(user.api_key, async_body("frozen fox [sim:delay=5000]"),
                               {"Prefer: respond-async"});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = json_string(r.body, "/jobId");
  // Its worker freezes while running it: the other worker's deadline sweeper expires it.
  ASSERT_TRUE(wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") != "queued"; }, 10s));
  stack.worker(0).kill(SIGSTOP);
  stack.start_worker();
  const bool expired = wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") == "expired"; }, 30s);
  stack.worker(0).kill(SIGCONT);
  ASSERT_TRUE(expired) << job(stack, id, user.api_key);
  EXPECT_EQ(json_int(job(stack, id, user.api_key), "/creditsCharged"), 0);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  // The frozen worker's late settlement changes nothing.
  EXPECT_TRUE(wait_for([&] { return stream_drained(stack); }, 30s));
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100);
  EXPECT_TRUE(audit_clean(stack));
}

TEST(Cancel, FinalJobIs409AndAnotherUsersIs404) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  auto other = stack.create_user("pro", 100);
  auto r = stack.post_generate(user.api_key, async_body("finished fox"));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = json_string(r.body, "/jobId");
  auto c = cancel(stack, id, user.api_key);
  EXPECT_EQ(c.status, 409) << c.body;
  EXPECT_EQ(json_string(c.body, "/code"), "JOB_ALREADY_FINISHED");
  EXPECT_EQ(json_string(c.body, "/status"), "succeeded");
  EXPECT_EQ(cancel(stack, id, other.api_key).status, 404);
  EXPECT_EQ(cancel(stack, "0123abcd", user.api_key).status, 404);
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), kCost);
}

TEST(Cancel, ARunningJobIsCancelledRefundedAndTheSyncWaiterGets409) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  auto other = stack.create_user("pro", 100);
  auto waiting = std::async(std::launch::async, [&] {
    return stack.post_generate(user.api_key, async_body("doomed fox [sim:delay=8000]"));
  });
  // The job id, once admitted: the only unfinished job.
  std::string id;
  ASSERT_TRUE(wait_for(
      [&] {
        auto ids = stack.redis().command({"ZRANGE", "imagegen:deadlines", "0", "-1"}).strings();
        if (ids.size() == 1) id = ids[0];
        return !id.empty() && json_string(job(stack, id, user.api_key), "/status") == "running";
      },
      10s));
  EXPECT_EQ(cancel(stack, id, other.api_key).status, 404);
  auto c = cancel(stack, id, user.api_key);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(json_string(c.body, "/status"), "cancelled");
  auto sync = waiting.get();
  EXPECT_EQ(sync.status, 409) << sync.body;
  EXPECT_EQ(json_string(sync.body, "/code"), "JOB_CANCELLED");
  EXPECT_EQ(json_string(sync.body, "/jobId"), id);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  auto again = cancel(stack, id, user.api_key);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json_string(again.body, "/code"), "JOB_ALREADY_FINISHED");
  EXPECT_EQ(json_string(again.body, "/status"), "cancelled");
  // The worker's late settlement charges nothing: the stream entry is acked, books clean.
  EXPECT_TRUE(wait_for([&] { return stream_drained(stack); }, 30s));
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), 0);
  EXPECT_TRUE(audit_clean(stack));
}

TEST(Cancel, RacingTheWorkersSettlementExactlyOneWins) {
  Stack stack;
  auto user = stack.create_user("pro", 1000);
  constexpr int kJobs = 12;
  std::int64_t succeeded = 0;
  for (int i = 0; i < kJobs; ++i) {
    // Job lengths around the moment the cancel lands (right after admission), so both orders
    // happen; whichever wins, the books must agree with the answer.
    const int delay = 15 * i;
    auto r = stack.post_generate(user.api_key,
                                 async_body("race fox [sim:delay=" + std::to_string(delay) + "]"),
                                 {"Prefer: respond-async"});
    ASSERT_EQ(r.status, 202) << r.body;
    const std::string id = json_string(r.body, "/jobId");
    auto c = cancel(stack, id, user.api_key);
    const std::string j = job(stack, id, user.api_key);
    if (c.status == 200) {
      EXPECT_EQ(json_string(j, "/status"), "cancelled");
      EXPECT_EQ(json_int(j, "/creditsCharged"), 0);
    } else {
      ASSERT_EQ(c.status, 409) << c.body;
      EXPECT_EQ(json_string(j, "/status"), "succeeded");
      EXPECT_EQ(json_int(j, "/creditsCharged"), kCost);
      ++succeeded;
    }
  }
  // Every job's settlement (the worker's late ones included) has happened once.
  ASSERT_TRUE(wait_for([&] { return stream_drained(stack); }, 30s));
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), succeeded * kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 1000 - succeeded * kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  EXPECT_TRUE(audit_clean(stack));
}

}  // namespace
}  // namespace imagegen::testing
