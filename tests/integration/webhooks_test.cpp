// Signed webhooks with durable retries, against the real binaries (issue 11): retries keep the
// id, 410 stops, a killed worker loses no delivery, forbidden targets are refused.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <mutex>
#include <thread>

#include "common/webhook_target.h"
#include "tests/integration/async_jobs.h"
#include "tests/integration/stack.h"
#include "tests/support/wait_for.h"
#include "tests/unit/worker/test_http_server.h"

namespace imagegen::testing {
namespace {

using namespace std::chrono_literals;

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

std::string webhook_state(Stack& stack, const std::string& job_id, const std::string& key) {
  return json_string(job(stack, job_id, key), "/webhook/status");
}

TEST(Webhooks, A500IsRetriedWithTheSameIdAndBothSignaturesVerify) {
  Stack stack(webhook_stack());
  auto user = stack.create_user("pro", 100);
  Receiver receiver([](std::size_t n) { return n == 0 ? 500 : 204; });
  const std::string id =
      submit_async(stack, user.api_key, async_body("hooked fox", receiver.url()));
  ASSERT_FALSE(id.empty());
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
  const std::string id = submit_async(stack, user.api_key, async_body("gone fox", receiver.url()));
  ASSERT_FALSE(id.empty());
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
  const std::string id = submit_async(stack, user.api_key, async_body("crash fox", receiver.url()));
  ASSERT_FALSE(id.empty());
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
  const std::string id = submit_async(stack, user.api_key, async_body("rebinding fox", url));
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(wait_for([&] { return webhook_state(stack, id, user.api_key) == "failed"; }, 30s))
      << job(stack, id, user.api_key);
  EXPECT_EQ(receiver.count(), 0u);
  EXPECT_NE(stack.redis()
                .command({"HGET", "imagegen:job:" + id, "hook_error"})
                .as_string()
                .find("address refused"),
            std::string::npos);
}

}  // namespace
}  // namespace imagegen::testing
