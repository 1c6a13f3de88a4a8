// Many slow generations against the whole stack: one worker with its default settings holds
// thousands at once, and a worker killed right after a group commit loses none of the files it
// named.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/image/image_probe.h"
#include "tests/integration/burst.h"
#include "tests/integration/stack.h"

namespace imagegen::testing {
namespace {

using Request = BurstRequest;
using Outcome = BurstOutcome;

// Samples the worker's in-flight gauge until stopped and keeps the highest value seen.
class InflightWatcher {
 public:
  explicit InflightWatcher(std::uint16_t port)
      : port_(port), thread_([this] {
          do {
            most_ = std::max(most_.load(), scrape(port_, "imagegen_worker_inflight_jobs"));
          } while (!stop_);
        }) {}
  ~InflightWatcher() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  double most() const { return most_; }

 private:
  std::uint16_t port_;
  std::atomic<bool> stop_{false};
  std::atomic<double> most_{0};
  std::thread thread_;
};

// One worker with its default settings (thousands of slots) holds thousands of slow
// generations at once: every one answered 200, most of them in flight together.
TEST(WorkerScale, OneDefaultWorkerHoldsFiveThousandSlowGenerations) {
  constexpr int kRequests = 5000;
  StackOptions o = busy_stack();
  o.worker_concurrency = 0;    // the worker's default
  o.wait_timeout_ms = 300000;  // a loaded machine must not turn 200s into 504s
  // 5,000 admissions arrive in one burst: on a busy 2-core machine Redis may answer some after
  // the api's default 500 ms, and a timed-out admission is a 503 for a job that may have run.
  o.api_env["IMAGEGEN_REDIS_TIMEOUT_MS"] = "10000";
  // The client opens 5,000 connections from one thread: the last request may reach the api
  // long after its connection was accepted.
  o.api_env["IMAGEGEN_HEADER_TIMEOUT_MS"] = "120000";
  Stack stack(o);
  auto user = stack.create_user("pro", 1'000'000'000);
  std::vector<Request> requests;
  for (int i = 0; i < kRequests; ++i) {
    requests.push_back(
        {user.api_key, R"({"prompt":"slow crowd )" + std::to_string(i) +
                           R"( [sim:delay=3000]","model":"gpt-image-1","count":1})"});
  }
  InflightWatcher inflight(stack.worker_metrics_port());
  auto outcomes = post_all_at_once(stack.api_url("/api/v1/generate-image"), requests);
  inflight.stop();

  int ok = 0;
  std::int64_t charged = 0;
  for (const auto& answer : outcomes) {
    if (answer.status != 200) continue;
    ++ok;
    charged += json_int(answer.body, "/creditsCharged");
  }
  EXPECT_EQ(ok, kRequests) << statuses(outcomes);
  auto [first, last] =
      std::minmax_element(outcomes.begin(), outcomes.end(),
                          [](const Outcome& a, const Outcome& b) { return a.sent < b.sent; });
  std::printf(
      "most jobs in flight in the worker at once: %.0f (of %d); on the wire at once: %zu; "
      "requests sent over %lld ms\n",
      inflight.most(), kRequests, max_in_flight(outcomes),
      static_cast<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(last->sent - first->sent).count()));
  ::testing::Test::RecordProperty("max_worker_inflight", static_cast<int>(inflight.most()));
  EXPECT_GE(inflight.most(), 4000);
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), charged);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  stack.admin("audit");
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A 200 names files that a group commit made durable before the job was settled. Killing the
// worker with SIGKILL right after a commit (the first 200 is the proof that one happened) loses
// none of them, and the jobs it held are reclaimed and charged once.
TEST(GroupCommit, WorkerKilledRightAfterACommitLosesNoNamedFile) {
  StackOptions o;
  o.wait_timeout_ms = 60000;
  o.worker_concurrency = 0;
  o.worker_env["IMAGEGEN_RECLAIM_IDLE_MS"] = "500";
  Stack stack(o);
  auto user = stack.create_user("pro", 1'000'000);

  std::mutex mu;
  std::condition_variable first_answer;
  std::vector<HttpResult> answers;
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < 4; ++i) {
        auto r = stack.post_generate(
            user.api_key, R"({"prompt":"commit )" + std::to_string(c) + "-" + std::to_string(i) +
                              R"( [sim:delay=100]","model":"gpt-image-1","count":2})");
        std::lock_guard lock(mu);
        answers.push_back(std::move(r));
        first_answer.notify_all();
      }
    });
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(first_answer.wait_for(lock, std::chrono::seconds(60), [&] {
      return std::any_of(answers.begin(), answers.end(),
                         [](const HttpResult& r) { return r.status == 200; });
    }));
  }
  stack.worker(0).kill(SIGKILL);
  stack.start_worker();  // takes over what the dead one held
  for (auto& t : clients) t.join();

  std::int64_t charged = 0;
  std::size_t files = 0;
  for (const auto& r : answers) {
    ASSERT_EQ(r.status, 200) << r.body << r.error;
    charged += json_int(r.body, "/creditsCharged");
    const std::size_t n = json_array_size(r.body, "/results");
    for (std::size_t i = 0; i < n; ++i) {
      const std::string path = json_string(r.body, "/results/" + std::to_string(i) + "/filePath");
      const std::string bytes = file_bytes(std::filesystem::path(stack.images_dir()) / path);
      ASSERT_FALSE(bytes.empty()) << path;
      EXPECT_TRUE(image::verify_png_decodes(bytes)) << path;
      ++files;
    }
  }
  EXPECT_EQ(files, answers.size() * 2);
  // Nothing charged twice: what the user paid is exactly what the answers said.
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), charged);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  stack.admin("audit");
}

}  // namespace
}  // namespace imagegen::testing
