// Each binary's /metrics passes `promtool check metrics` after real traffic.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "tests/integration/stack.h"
#include "tests/support/ledger.h"
#include "tests/support/wait_for.h"

namespace imagegen::testing {
namespace {

using namespace std::chrono_literals;

int promtool_check(const std::string& exposition, std::string& output) {
  char path[] = "/tmp/imagegen-metrics-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return -1;
  FILE* f = ::fdopen(fd, "w");
  std::fwrite(exposition.data(), 1, exposition.size(), f);
  std::fclose(f);
  std::string cmd = std::string("promtool check metrics < ") + path + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof(buf), p)) output.append(buf, n);
  int status = ::pclose(p);
  ::unlink(path);
  return WEXITSTATUS(status);
}

std::string scrape(std::uint16_t port) {
  auto r = http_request("GET", "http://127.0.0.1:" + std::to_string(port) + "/metrics");
  EXPECT_EQ(r.status, 200);
  return r.body;
}

// The sum of every sample of `name` (exactly: not its _bucket/_sum/_count) whose labels hold
// each of `labels` (e.g. R"(outcome="expired")").
double sample_sum(const std::string& text, const std::string& name,
                  const std::vector<std::string>& labels = {}) {
  double sum = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != '{' && next != ' ') continue;
    bool all = true;
    for (const auto& l : labels) all = all && line.find(l) != std::string::npos;
    if (all) sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

// Every name of the operations plan, per binary (docs/operations.md lists them).
const std::vector<std::string> kBoth = {"imagegen_build_info",
                                        "imagegen_redis_errors_total",
                                        "imagegen_redis_reconnects_total",
                                        "imagegen_redis_connected",
                                        "imagegen_jobs_total",
                                        "imagegen_credits_captured_total",
                                        "imagegen_credits_refunded_total",
                                        "imagegen_event_loop_lag_seconds"};
const std::vector<std::string> kApi = {"imagegen_http_requests_total",
                                       "imagegen_http_request_duration_seconds",
                                       "imagegen_admissions_refused_total",
                                       "imagegen_credits_reserved_total",
                                       "imagegen_api_open_connections",
                                       "imagegen_api_waiting_requests",
                                       "imagegen_queue_stream_length",
                                       "imagegen_queue_lag",
                                       "imagegen_queue_pending",
                                       "imagegen_queue_oldest_age_seconds",
                                       "imagegen_dead_letter_length",
                                       "imagegen_queue_depth",
                                       "imagegen_credits_granted_total"};
const std::vector<std::string> kWorker = {"imagegen_job_duration_seconds",
                                          "imagegen_job_step_seconds",
                                          "imagegen_storage_sync_seconds",
                                          "imagegen_storage_sync_images",
                                          "imagegen_provider_calls_total",
                                          "imagegen_provider_latency_seconds",
                                          "imagegen_images_total",
                                          "imagegen_worker_slots_in_use",
                                          "imagegen_worker_slots_capacity",
                                          "imagegen_worker_inflight_jobs",
                                          "imagegen_worker_reclaimed_jobs_total",
                                          "imagegen_webhook_deliveries_total",
                                          "imagegen_webhook_attempts_total",
                                          "imagegen_webhook_delivery_latency_seconds"};

void expect_declared(const std::string& text, const std::vector<std::string>& names,
                     const char* binary) {
  for (const auto& n : names) {
    EXPECT_NE(text.find("# TYPE " + n + " "), std::string::npos) << binary << " lacks " << n;
  }
}

TEST(Metrics, ApiAndWorkerExpositionsPassPromtool) {
  StackOptions o;
  o.wait_timeout_ms = 1500;
  Stack stack(o);
  auto user = stack.create_user("pro", 1000);
  auto ok =
      stack.post_generate(user.api_key, R"({"prompt":"metrics please","model":"nano-banana"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::int64_t cost = json_int(ok.body, "/creditsCharged");
  ASSERT_GT(cost, 0);
  ASSERT_EQ(stack.post_generate(user.api_key, R"({"prompt":"x","model":"nope"})").status, 400);
  auto broke = stack.create_user("pro", 0);
  ASSERT_EQ(stack.post_generate(broke.api_key, R"({"prompt":"x","model":"nano-banana"})").status,
            402);
  // The same Idempotency-Key twice: one job, one hold, two requests.
  const std::vector<std::string> idem = {"Idempotency-Key: metrics-replay-1"};
  ASSERT_EQ(stack.post_generate(user.api_key, R"({"prompt":"once"})", idem).status, 200);
  ASSERT_EQ(stack.post_generate(user.api_key, R"({"prompt":"once"})", idem).status, 200);
  // A synchronous wait that runs out: the job's deadline is the wait's, so the api or the worker
  // expires it and refunds it, and only the one whose settlement won counts it.
  auto expired = stack.post_generate(user.api_key, R"({"prompt":"[sim:delay=4000] slow"})");
  ASSERT_EQ(expired.status, 504) << expired.body;
  // A job the client cancels: the api settles it (and counts it).
  auto async = stack.post_generate(user.api_key, R"({"prompt":"[sim:delay=4000] cancel me"})",
                                   {"Prefer: respond-async"});
  ASSERT_EQ(async.status, 202) << async.body;
  auto cancelled = http_request(
      "POST", stack.api_url("/api/v1/jobs/" + json_string(async.body, "/jobId") + "/cancel"), "",
      {"Authorization: Bearer " + user.api_key});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  // A provider failure and a moderated prompt.
  EXPECT_NE(stack.post_generate(user.api_key, R"({"prompt":"[sim:fail=400] bad"})").status, 200);
  EXPECT_NE(stack.post_generate(user.api_key, R"({"prompt":"[sim:moderated] no"})").status, 200);
  stack.admin("credits grant " + user.user_id + " 7");
  const double granted =
      std::stod(stack.redis().command({"HGET", "imagegen:stats", "granted"}).as_string());
  ASSERT_GE(granted, 7);

  // The worker settles the slow job after its upstream answers; the api polls Redis every 2 s.
  // Waits on the settle step, not on `run`: a job cancelled before the worker took it is settled
  // without a run, and whether the cancel or the worker comes first is a race of milliseconds.
  std::string api, worker;
  ASSERT_TRUE(wait_for(
      [&] {
        api = scrape(stack.api_metrics_port());
        worker = scrape(stack.worker_metrics_port());
        return sample_sum(worker, "imagegen_images_total", {R"(outcome="delivered")"}) >= 2 &&
               sample_sum(api, "imagegen_credits_granted_total") >= granted &&
               sample_sum(worker, "imagegen_job_step_seconds_count", {R"(step="settle")"}) >= 6;
      },
      20s))
      << api << "\n"
      << worker;
  for (const std::string* text : {&api, &worker}) {
    std::string out;
    EXPECT_EQ(promtool_check(*text, out), 0) << out << "\n" << *text;
  }
  expect_declared(api, kBoth, "api");
  expect_declared(api, kApi, "api");
  expect_declared(worker, kBoth, "worker");
  expect_declared(worker, kWorker, "worker");

  EXPECT_EQ(sample_sum(api, "imagegen_http_requests_total",
                       {R"(route="generate")", R"(status="200")", R"(model="nano-banana")"}),
            3)
      << api;
  EXPECT_EQ(sample_sum(api, "imagegen_admissions_refused_total",
                       {R"(reason="insufficient")", R"(model="nano-banana")"}),
            1)
      << api;
  // Held: the first job, the idempotent one (once), the slow one, the cancelled one, the failing
  // and moderated ones.
  EXPECT_EQ(sample_sum(api, "imagegen_credits_reserved_total"), 6 * cost) << api;
  EXPECT_EQ(sample_sum(api, "imagegen_jobs_total", {R"(outcome="cancelled")"}), 1) << api;
  // Each job counted once, by the process that settled it; so are the credits it moved.
  const auto both = [&](const std::string& name, const std::vector<std::string>& labels = {}) {
    return sample_sum(api, name, labels) + sample_sum(worker, name, labels);
  };
  EXPECT_EQ(both("imagegen_jobs_total", {R"(outcome="expired")"}), 1) << api << worker;
  EXPECT_EQ(both("imagegen_jobs_total", {R"(outcome="succeeded")"}), 2) << api << worker;
  EXPECT_EQ(both("imagegen_jobs_total", {R"(outcome="failed")"}), 1) << api << worker;
  EXPECT_EQ(both("imagegen_jobs_total", {R"(outcome="blocked")"}), 1) << api << worker;
  EXPECT_EQ(both("imagegen_jobs_total"), 6) << api << worker;
  EXPECT_EQ(both("imagegen_credits_captured_total"), 2 * cost) << api << worker;
  EXPECT_EQ(both("imagegen_credits_refunded_total"), 4 * cost) << api << worker;
  EXPECT_EQ(testing::ledger_total(stack.redis().command({"XRANGE", "imagegen:ledger", "-", "+"}),
                                  "refund"),
            4 * cost)
      << "the metrics agree with the books";
  EXPECT_EQ(sample_sum(api, "imagegen_credits_granted_total"), granted) << api;
  EXPECT_EQ(sample_sum(api, "imagegen_redis_connected"), 1) << api;
  EXPECT_EQ(sample_sum(worker, "imagegen_redis_connected"), 1) << worker;
  EXPECT_EQ(sample_sum(worker, "imagegen_worker_slots_capacity"), 16) << worker;
  EXPECT_EQ(sample_sum(worker, "imagegen_worker_slots_in_use"), 0) << worker;
  EXPECT_EQ(sample_sum(api, "imagegen_build_info"), 1) << api;
  EXPECT_EQ(sample_sum(worker, "imagegen_build_info"), 1) << worker;
  EXPECT_GE(sample_sum(worker, "imagegen_provider_calls_total",
                       {R"(provider="gemini")", R"(model="nano-banana")", R"(kind="submit")",
                        R"(outcome="ok")"}),
            2)
      << worker;
  EXPECT_GE(sample_sum(worker, "imagegen_provider_latency_seconds_count",
                       {R"(provider="gemini")", R"(kind="submit")"}),
            3)
      << worker;
  EXPECT_EQ(sample_sum(worker, "imagegen_job_duration_seconds_count",
                       {R"(model="nano-banana")", R"(phase="queue")"}),
            6)
      << worker;
  // Every job settled once (retries are one step), and the jobs with images stored them.
  EXPECT_EQ(sample_sum(worker, "imagegen_job_step_seconds_count", {R"(step="settle")"}), 6)
      << worker;
  EXPECT_GE(sample_sum(worker, "imagegen_job_step_seconds_count", {R"(step="store")"}), 2)
      << worker;
  EXPECT_GE(sample_sum(worker, "imagegen_storage_sync_images_sum"), 2) << worker;
  // Old names replaced by the plan's are gone.
  for (const char* old : {"imagegen_worker_redis_errors_total", "imagegen_api_credits",
                          "imagegen_worker_dead_lettered_jobs_total"}) {
    EXPECT_EQ(api.find(old), std::string::npos) << old;
    EXPECT_EQ(worker.find(old), std::string::npos) << old;
  }
  EXPECT_EQ(worker.find("imagegen_queue_depth"), std::string::npos) << "an api gauge";
}

}  // namespace
}  // namespace imagegen::testing
