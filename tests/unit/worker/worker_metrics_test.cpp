#include "worker/worker_metrics.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "tests/unit/worker/temp_dir.h"

namespace imagegen::worker {
namespace {

void record_some(WorkerMetrics& m) {
  m.provider_call("gemini", "nano-banana", "submit", "ok", std::chrono::milliseconds(1500));
  m.provider_call("openai", "gpt-image-1", "submit", "rate_limited", std::chrono::milliseconds(20));
  m.provider_call("bfl", "flux-pro", "poll", "ok", std::chrono::milliseconds(20));
  m.job_finished("nano-banana", "succeeded");
  m.job_finished("gpt-image-1", "partial");
  m.job_duration("nano-banana", "queue", 0.02);
  m.job_duration("nano-banana", "run", 420);
  m.images("nano-banana", "delivered", 3);
  m.images("gpt-image-1", "failed", 1);
  m.storage_write("ok");
  m.storage_sync(std::chrono::microseconds(1500), 40, true);
  m.job_step("store", std::chrono::milliseconds(3));
  m.storage_sync(std::chrono::milliseconds(30), 3, false);
  m.credits_captured(15);
  m.credits_refunded(5);
  m.slots_capacity(8);
  m.inflight_jobs_add(2);
  m.inflight_jobs_add(-1);
  m.redis_error("finalize");
  m.webhook_attempt(std::chrono::milliseconds(300));
  m.webhook_delivery("delivered");
}

TEST(WorkerMetrics, ExposesEveryFamilyWithValues) {
  WorkerMetrics m;
  record_some(m);
  const std::string text = m.serialize();
  for (
      const char* line :
      {R"(imagegen_provider_calls_total{kind="submit",model="nano-banana",outcome="ok",provider="gemini"} 1)",
       R"(imagegen_provider_calls_total{kind="submit",model="gpt-image-1",outcome="rate_limited",provider="openai"} 1)",
       R"(imagegen_provider_calls_total{kind="poll",model="flux-pro",outcome="ok",provider="bfl"} 1)",
       R"(imagegen_provider_latency_seconds_count{kind="submit",model="nano-banana",provider="gemini"} 1)",
       R"(imagegen_provider_latency_seconds_bucket{kind="submit",model="nano-banana",provider="gemini",le="2.5"} 1)",
       R"(imagegen_provider_latency_seconds_bucket{kind="submit",model="nano-banana",provider="gemini",le="1"} 0)",
       R"(imagegen_jobs_total{model="nano-banana",outcome="succeeded"} 1)",
       R"(imagegen_job_duration_seconds_bucket{model="nano-banana",phase="run",le="450"} 1)",
       R"(imagegen_job_duration_seconds_bucket{model="nano-banana",phase="run",le="300"} 0)",
       R"(imagegen_job_duration_seconds_bucket{model="nano-banana",phase="queue",le="0.05"} 1)",
       R"(imagegen_images_total{model="nano-banana",outcome="delivered"} 3)",
       R"(imagegen_storage_writes_total{outcome="ok"} 1)",
       R"(imagegen_storage_sync_seconds_bucket{le="0.001"} 0)",
       R"(imagegen_storage_sync_seconds_bucket{le="0.002"} 1)",
       R"(imagegen_storage_sync_seconds_bucket{le="0.05"} 2)",
       R"(imagegen_storage_sync_images_bucket{le="4"} 1)",
       R"(imagegen_storage_sync_images_bucket{le="32"} 1)",
       R"(imagegen_storage_sync_images_bucket{le="64"} 2)",
       "imagegen_storage_sync_images_sum 43",
       "imagegen_storage_sync_errors_total 1",
       R"(imagegen_job_step_seconds_bucket{step="store",le="0.002"} 0)",
       R"(imagegen_job_step_seconds_bucket{step="store",le="0.005"} 1)",
       R"(imagegen_job_step_seconds_count{step="settle"} 0)",
       "imagegen_credits_captured_total 15",
       "imagegen_credits_refunded_total 5",
       "imagegen_worker_slots_capacity 8",
       "imagegen_worker_slots_in_use 1",
       "imagegen_worker_inflight_jobs 1",
       R"(imagegen_redis_errors_total{op="finalize"} 1)",
       "imagegen_redis_connected 1",
       "imagegen_redis_reconnects_total 0",
       "imagegen_worker_reclaimed_jobs_total 0",
       R"(imagegen_webhook_deliveries_total{outcome="delivered"} 1)",
       "imagegen_webhook_attempts_total 1",
       "imagegen_webhook_delivery_latency_seconds_count 1",
       "imagegen_build_info{",
       "# HELP imagegen_provider_calls_total "}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n--- in ---\n" << text;
  }
  EXPECT_EQ(text.find("imagegen_queue_depth"), std::string::npos) << "the api exports it";
}

TEST(WorkerMetrics, RedisReconnectsCountedOnceFromConnectionStats) {
  WorkerMetrics m;
  redis::ConnectionStats s;
  s.connects = 1;
  m.redis().sample("a", s, true);
  m.redis().sample("a", s, true);  // sampling again changes nothing
  s.connects = 3;
  m.redis().sample("a", s, true);
  m.redis().sample("b", s, false);  // first seen with 3 connects: 2 reconnects, and down
  const std::string text = m.serialize();
  EXPECT_NE(text.find("imagegen_redis_reconnects_total 4"), std::string::npos) << text;
  EXPECT_NE(text.find("imagegen_redis_connected 0"), std::string::npos) << text;
  m.redis().sample("b", s, true);
  EXPECT_NE(m.serialize().find("imagegen_redis_connected 1"), std::string::npos);
  EXPECT_TRUE(looks_connected({}, false)) << "a connection nobody used yet is not down";
  redis::ConnectionStats failed;
  failed.connect_failures = 1;
  EXPECT_FALSE(looks_connected(failed, false));
}

TEST(WorkerMetrics, PassesPromtoolCheck) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool not installed";
  testing::TempDir dir;
  WorkerMetrics m;
  const auto empty_path = dir.path() / "empty.txt";
  std::ofstream(empty_path) << m.serialize();  // families with no series yet
  record_some(m);
  const auto full_path = dir.path() / "full.txt";
  std::ofstream(full_path) << m.serialize();
  for (const auto& p : {empty_path, full_path}) {
    const std::string cmd = "promtool check metrics < '" + p.string() + "' > '" +
                            (dir.path() / "out.txt").string() + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    std::ifstream out(dir.path() / "out.txt");
    std::string msg((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << p << ": " << msg;
  }
}

}  // namespace
}  // namespace imagegen::worker
