// Credits under real concurrency: a thousand requests in flight at once against the whole stack
// (redis-server, imagegen-sim, worker, api). Admission must hold exactly what the balance
// covers, refuse the rest with the seed's 402 text, never let the balance go negative, and
// leave books that `imagegen-admin audit` accepts.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/image/image_probe.h"
#include "tests/integration/stack.h"

namespace imagegen::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct Request {
  std::string api_key;
  std::string body;
};

struct Outcome {
  long status = 0;  // 0 = transport failure (error says why)
  std::string body;
  std::string error;
  Clock::time_point sent;      // request bytes about to go out (after connect)
  Clock::time_point answered;  // whole response received
};

struct Transfer {
  std::size_t index = 0;
  curl_slist* headers = nullptr;
  std::string body;
  Clock::time_point added;
};

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Sends every request at once, one connection each, over one curl multi handle, and returns
// when all have answered (or failed). Nothing is throttled on the client side: the api sees
// `requests.size()` connections and requests in flight together.
std::vector<Outcome> post_all_at_once(const std::string& url,
                                      const std::vector<Request>& requests) {
  std::vector<Outcome> out(requests.size());
  std::vector<Transfer> transfers(requests.size());
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(requests.size()));
  std::vector<CURL*> easies;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    Transfer& t = transfers[i];
    t.index = i;
    t.body = requests[i].body;
    t.headers = curl_slist_append(t.headers, "Content-Type: application/json");
    t.headers =
        curl_slist_append(t.headers, ("Authorization: Bearer " + requests[i].api_key).c_str());
    t.headers = curl_slist_append(t.headers, "Expect:");
    CURL* e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(t.body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &out[i].body);
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 180000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 30000L);
    easies.push_back(e);
  }
  for (std::size_t i = 0; i < easies.size(); ++i) {
    transfers[i].added = Clock::now();
    curl_multi_add_handle(multi, easies[i]);
  }
  int running = static_cast<int>(easies.size());
  while (running > 0) {
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      Outcome& o = out[t->index];
      o.answered = Clock::now();
      curl_off_t pretransfer_us = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
      o.sent = t->added + std::chrono::microseconds(pretransfer_us);
      if (msg->data.result == CURLE_OK) {
        curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &o.status);
      } else {
        o.error = curl_easy_strerror(msg->data.result);
      }
    }
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  for (std::size_t i = 0; i < easies.size(); ++i) {
    curl_multi_remove_handle(multi, easies[i]);
    curl_easy_cleanup(easies[i]);
    curl_slist_free_all(transfers[i].headers);
  }
  curl_multi_cleanup(multi);
  return out;
}

// The most requests that were on the wire at the same moment (sent, not yet answered).
std::size_t max_in_flight(const std::vector<Outcome>& outcomes) {
  std::vector<std::pair<Clock::time_point, int>> events;
  for (const auto& o : outcomes) {
    if (o.status == 0) continue;
    events.emplace_back(o.sent, +1);
    events.emplace_back(o.answered, -1);
  }
  // At equal times the answer sorts first, so touching intervals do not count as overlapping.
  std::sort(events.begin(), events.end());
  std::size_t now = 0, most = 0;
  for (const auto& [when, delta] : events) {
    now += delta;
    most = std::max(most, now);
  }
  return most;
}

std::string statuses(const std::vector<Outcome>& outcomes) {
  std::map<long, int> by_status;
  for (const auto& o : outcomes) ++by_status[o.status];
  std::string s;
  for (const auto& [status, n] : by_status)
    s += std::to_string(status) + ": " + std::to_string(n) + "  ";
  for (const auto& o : outcomes) {
    if (o.status == 0) return s + "(first transport error: " + o.error + ")";
  }
  return s;
}

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

// 1,000 client connections plus the api's own: make sure the descriptor limit allows them
// (children inherit it).
void raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

StackOptions busy_stack() {
  raise_fd_limit();
  StackOptions o;
  o.worker_concurrency = 256;  // every admitted job runs at once: none waits for a slot
  o.wait_timeout_ms = 120000;  // a slow (sanitizer) build must not turn 200s into 504s
  return o;
}

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

// One value of a Prometheus text exposition ("name value" on its own line); -1 when absent.
double scrape(std::uint16_t port, const std::string& name) {
  auto r = http_request("GET", "http://127.0.0.1:" + std::to_string(port) + "/metrics", "", {},
                        std::chrono::seconds(5));
  const std::string line = "\n" + name + " ";
  const auto at = r.body.find(line);
  if (at == std::string::npos) return -1;
  return std::strtod(r.body.c_str() + at + line.size(), nullptr);
}

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
