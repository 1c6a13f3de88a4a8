// Credits under real concurrency: a thousand requests in flight at once against the whole stack
// (redis-server, imagegen-sim, worker, api). Admission must hold exactly what the balance
// covers, refuse the rest with the seed's 402 text, never let the balance go negative, and
// leave books that `imagegen-admin audit` accepts.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/burst.h"
#include "tests/integration/stack.h"

namespace imagegen::testing {
namespace {

using Request = BurstRequest;
using Outcome = BurstOutcome;

// Samples `imagegen-admin user show` for some users until stopped, checking the books on every
// sample. HGETALL reads a user's hash atomically and every credit movement is one Lua script,
// so the invariants hold at every instant, not only at the end.
class BookWatcher {
 public:
  BookWatcher(Stack& stack, std::vector<std::string> user_ids)
      : stack_(stack), users_(std::move(user_ids)), thread_([this] { run(); }) {}
  ~BookWatcher() { stop(); }

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int samples() const { return samples_; }
  std::int64_t lowest_balance() const { return lowest_balance_; }
  std::int64_t highest_held() const { return highest_held_; }
  double most_waiting() const { return most_waiting_; }

 private:
  void run() {
    // At least one full round, and keep going until told to stop.
    do {
      for (const auto& id : users_) {
        const std::string json = stack_.admin("user show " + id + " --json");
        const auto balance = json_int(json, "/balance"), held = json_int(json, "/held");
        const auto granted = json_int(json, "/granted"), captured = json_int(json, "/captured");
        EXPECT_GE(balance, 0) << json;
        EXPECT_GE(held, 0) << json;
        EXPECT_EQ(granted - captured, balance + held) << json;
        lowest_balance_ = std::min(lowest_balance_.load(), balance);
        highest_held_ = std::max(highest_held_.load(), held);
      }
      sample_waiting();
      ++samples_;
    } while (!stop_);
  }

  // imagegen_api_waiting_requests: requests the api holds while their jobs run.
  void sample_waiting() {
    auto r = http_request(
        "GET", "http://127.0.0.1:" + std::to_string(stack_.api_metrics_port()) + "/metrics");
    const std::string name = "\nimagegen_api_waiting_requests ";
    auto at = r.body.find(name);
    if (at == std::string::npos) return;
    most_waiting_ =
        std::max(most_waiting_.load(), std::strtod(r.body.c_str() + at + name.size(), nullptr));
  }

  Stack& stack_;
  std::vector<std::string> users_;
  std::atomic<bool> stop_{false};
  std::atomic<int> samples_{0};
  std::atomic<std::int64_t> lowest_balance_{INT64_MAX};
  std::atomic<std::int64_t> highest_held_{0};
  std::atomic<double> most_waiting_{0};
  std::thread thread_;
};

// Checks a 200 body: one stored image of this user, charged `cost`.
void expect_one_image(const Outcome& o, const std::string& user_id, std::int64_t cost) {
  EXPECT_EQ(json_int(o.body, "/creditsCharged"), cost) << o.body;
  EXPECT_EQ(json_array_size(o.body, "/results"), 1u) << o.body;
  EXPECT_EQ(json_string(o.body, "/filePath").rfind(user_id + "/generated/generated_", 0), 0u)
      << o.body;
}

TEST(Concurrency, ThousandRequestsHoldExactlyWhatTheBalanceCovers) {
  constexpr std::int64_t kBalance = 400;
  constexpr std::int64_t kCost = 4;  // gpt-image-1-mini, 1K, one image
  constexpr int kRequests = 1000;    // 4,000 credits asked for: 10x the balance
  constexpr int kAdmitted = static_cast<int>(kBalance / kCost);

  Stack stack(busy_stack());
  auto user = stack.create_user("free", kBalance);
  std::vector<Request> requests;
  for (int i = 0; i < kRequests; ++i) {
    requests.push_back({user.api_key, R"({"prompt":"crowd )" + std::to_string(i) +
                                          R"(","model":"gpt-image-1-mini","count":1})"});
  }

  BookWatcher watcher(stack, {user.user_id});
  auto outcomes = post_all_at_once(stack.api_url("/api/v1/generate-image"), requests);
  watcher.stop();

  int ok = 0, refused = 0;
  std::set<std::string> jobs;
  for (const auto& o : outcomes) {
    if (o.status == 200) {
      ++ok;
      expect_one_image(o, user.user_id, kCost);
      jobs.insert(json_string(o.body, "/jobId"));
    } else if (o.status == 402) {
      ++refused;
      // Every hold is a multiple of the cost, so a refusal only happens with 0 left.
      EXPECT_EQ(o.body, R"({"error":"Insufficient credits. Required: 4, Remaining: 0"})");
    }
  }
  EXPECT_EQ(ok, kAdmitted) << statuses(outcomes);
  EXPECT_EQ(refused, kRequests - kAdmitted) << statuses(outcomes);
  EXPECT_EQ(jobs.size(), static_cast<std::size_t>(kAdmitted));

  // The requests really overlapped: on the wire (client timestamps) and inside the api
  // (its gauge of requests waiting for their jobs, sampled while they ran).
  const std::size_t overlap = max_in_flight(outcomes);
  EXPECT_GE(overlap, 100u);
  ::testing::Test::RecordProperty("max_in_flight", static_cast<int>(overlap));
  ::testing::Test::RecordProperty("max_waiting_in_api", static_cast<int>(watcher.most_waiting()));
  ::testing::Test::RecordProperty("book_samples", watcher.samples());
  std::printf(
      "max in flight %zu, most waiting in the api %.0f, %d samples of the books, highest held "
      "%lld\n",
      overlap, watcher.most_waiting(), watcher.samples(),
      static_cast<long long>(watcher.highest_held()));

  EXPECT_GE(watcher.samples(), 1);
  EXPECT_GE(watcher.lowest_balance(), 0);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), kBalance - kAdmitted * kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), kAdmitted * kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "granted"), kBalance);
  stack.admin("audit");  // fails the test unless it exits 0
}

TEST(Concurrency, TwoUsersHammeringAtOnceKeepSeparateBooks) {
  // Balances that are not multiples of the cost: each user keeps a remainder of their own.
  struct Side {
    std::string tier, model;
    std::int64_t balance, cost;
    DemoUser user;
  };
  Side a{"free", "gpt-image-1-mini", 202, 4, {}};  // 50 admitted, 2 left
  Side b{"free", "nano-banana", 253, 5, {}};       // 50 admitted, 3 left
  constexpr int kPerUser = 500;                    // ~10x each balance

  Stack stack(busy_stack());
  a.user = stack.create_user(a.tier, a.balance);
  b.user = stack.create_user(b.tier, b.balance);
  std::vector<Request> requests;
  for (int i = 0; i < kPerUser; ++i) {  // interleaved: both users' requests arrive together
    for (const Side* s : {&a, &b}) {
      requests.push_back({s->user.api_key, R"({"prompt":"side )" + s->model + " " +
                                               std::to_string(i) + R"(","model":")" + s->model +
                                               R"("})"});
    }
  }

  BookWatcher watcher(stack, {a.user.user_id, b.user.user_id});
  auto outcomes = post_all_at_once(stack.api_url("/api/v1/generate-image"), requests);
  watcher.stop();
  EXPECT_GE(max_in_flight(outcomes), 100u);

  for (std::size_t side = 0; side < 2; ++side) {
    const Side& s = side == 0 ? a : b;
    const std::int64_t admitted = s.balance / s.cost;
    const std::string refusal = R"({"error":"Insufficient credits. Required: )" +
                                std::to_string(s.cost) +
                                ", Remaining: " + std::to_string(s.balance % s.cost) + "\"}";
    int ok = 0, refused = 0;
    for (std::size_t i = side; i < outcomes.size(); i += 2) {
      if (outcomes[i].status == 200) {
        ++ok;
        expect_one_image(outcomes[i], s.user.user_id, s.cost);
      } else if (outcomes[i].status == 402) {
        ++refused;
        EXPECT_EQ(outcomes[i].body, refusal);
      }
    }
    SCOPED_TRACE(s.model);
    EXPECT_EQ(ok, admitted) << statuses(outcomes);
    EXPECT_EQ(refused, kPerUser - admitted) << statuses(outcomes);
    EXPECT_EQ(stack.user_number(s.user.user_id, "balance"), s.balance % s.cost);
    EXPECT_EQ(stack.user_number(s.user.user_id, "held"), 0);
    EXPECT_EQ(stack.user_number(s.user.user_id, "captured"), admitted * s.cost);
    EXPECT_EQ(stack.user_number(s.user.user_id, "granted"), s.balance);
  }
  EXPECT_GE(watcher.samples(), 1);
  stack.admin("audit");
}

}  // namespace
}  // namespace imagegen::testing
