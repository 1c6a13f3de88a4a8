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
  m.provider_call("gemini", "ok", std::chrono::milliseconds(1500));
  m.provider_call("openai", "rate_limited", std::chrono::milliseconds(20));
  m.job_finished("succeeded");
  m.job_finished("partial");
  m.images("delivered", 3);
  m.images("failed", 1);
  m.storage_write("ok");
  m.credits_captured(15);
  m.credits_refunded(5);
  m.set_queue_depth(7);
  m.inflight_jobs_add(2);
  m.inflight_jobs_add(-1);
  m.redis_error("finalize");
}

TEST(WorkerMetrics, ExposesEveryFamilyWithValues) {
  WorkerMetrics m;
  record_some(m);
  const std::string text = m.serialize();
  for (const char* line :
       {"imagegen_provider_calls_total{outcome=\"ok\",provider=\"gemini\"} 1",
        "imagegen_provider_calls_total{outcome=\"rate_limited\",provider=\"openai\"} 1",
        "imagegen_provider_latency_seconds_count{provider=\"gemini\"} 1",
        "imagegen_provider_latency_seconds_bucket{provider=\"gemini\",le=\"2.5\"} 1",
        "imagegen_provider_latency_seconds_bucket{provider=\"gemini\",le=\"1\"} 0",
        "imagegen_jobs_total{outcome=\"succeeded\"} 1",
        "imagegen_images_total{outcome=\"delivered\"} 3",
        "imagegen_storage_writes_total{outcome=\"ok\"} 1", "imagegen_credits_captured_total 15",
        "imagegen_credits_refunded_total 5", "imagegen_queue_depth 7",
        "imagegen_worker_inflight_jobs 1", "imagegen_worker_redis_errors_total{op=\"finalize\"} 1",
        "# HELP imagegen_provider_calls_total "}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n--- in ---\n" << text;
  }
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
