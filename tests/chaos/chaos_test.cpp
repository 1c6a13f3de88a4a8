// Chaos: under steady load, kill -9 a worker every second and start a replacement. Every request
// must get a terminal answer, no job may be lost, no image charged twice, and the books must
// balance. Short form in scripts/test (CHAOS_ROUNDS=5); long form by hand:
//   CHAOS_ROUNDS=20 build/bin/chaos_tests
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "tests/integration/stack.h"
#include "tests/support/wait_for.h"

namespace imagegen::testing {
namespace {

using namespace std::chrono_literals;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

TEST(Chaos, KilledWorkersLoseNoJobAndChargeNothingTwice) {
  const int rounds = env_int("CHAOS_ROUNDS", 5);
  StackOptions o;
  o.wait_timeout_ms = 30000;
  o.worker_concurrency = 8;
  o.worker_env["IMAGEGEN_RECLAIM_IDLE_MS"] = "500";
  o.worker_env["IMAGEGEN_MAX_DELIVERIES"] = "1000";  // chaos kills often; never dead-letter here
  Stack stack(o);
  stack.start_worker();
  auto user = stack.create_user("pro", 1'000'000);

  std::atomic<bool> load{true};
  std::mutex mu;
  std::vector<HttpResult> answers;
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; load; ++i) {
        auto r = stack.post_generate(
            user.api_key, R"({"prompt":"chaos )" + std::to_string(c) + "-" + std::to_string(i) +
                              R"( [sim:delay=150]","model":"gpt-image-1","count":2})");
        std::lock_guard lock(mu);
        answers.push_back(std::move(r));
      }
    });
  }

  int kills = 0;
  std::size_t victim = 0;
  for (int round = 0; round < rounds; ++round) {
    // The rhythm of the chaos itself, not a stand-in for a condition.
    std::this_thread::sleep_for(1s);
    stack.worker(victim).kill(SIGKILL);
    ++kills;
    stack.start_worker();
    ++victim;
  }
  load = false;
  for (auto& t : clients) t.join();

  // Every request got a terminal answer; count what was charged to the client's knowledge.
  std::int64_t charged_in_answers = 0;
  int ok = 0, other = 0;
  for (const auto& a : answers) {
    ASSERT_NE(a.status, 0) << "a request got no answer: " << a.error;
    ASSERT_TRUE(a.status == 200 || a.status == 500 || a.status == 504) << a.status << " " << a.body;
    if (a.status == 200) {
      ++ok;
      charged_in_answers += json_int(a.body, "/creditsCharged");
    } else {
      ++other;
    }
  }
  // Nothing left behind: every stream entry acked, every job settled.
  ASSERT_TRUE(wait_for(
      [&] {
        auto p = stack.redis().command({"XPENDING", "imagegen:jobs", "workers"});
        return !p.elements().empty() && p.elements()[0].as_int() == 0 &&
               stack.redis().command({"ZCARD", "imagegen:deadlines"}).as_int().value_or(0) == 0;
      },
      60s));
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  // No double charge: the books hold exactly what the answers said was charged.
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), charged_in_answers);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 1'000'000 - charged_in_answers);
  std::string audit = stack.admin("audit");
  EXPECT_NE(audit.find("clean"), std::string::npos) << audit;
  std::printf("chaos: rounds=%d kills=%d requests=%zu ok=%d not_ok=%d charged=%lld lost=0 audit=%s",
              rounds, kills, answers.size(), ok, other, static_cast<long long>(charged_in_answers),
              audit.c_str());
}

}  // namespace
}  // namespace imagegen::testing
