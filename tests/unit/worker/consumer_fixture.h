#pragma once
// A Consumer against a real redis-server: jobs are written the way ADMIT leaves them (the job
// hash, the user's hold, the stream entry), the consumer runs on the test's io_context, and the
// tests look at Redis afterwards. Jobs of a model the catalog does not know are settled `failed`
// without any upstream call, which is what most of these tests use.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/catalog.h"
#include "common/job_codec.h"
#include "common/redis_keys.h"
#include "tests/support/async_test.h"
#include "tests/support/redis_server.h"
#include "tests/unit/worker/temp_dir.h"
#include "tests/unit/worker/test_fixtures.h"
#include "tests/unit/worker/test_http_server.h"
#include "worker/consumer.h"
#include "worker/local_storage.h"

namespace imagegen::worker {

namespace support = imagegen::testing;
using namespace std::chrono_literals;

class ConsumerTest : public ::testing::Test {
 protected:
  ConsumerTest() {
    config_.redis_url = redis_.url();
    config_.consumer_name = "worker-under-test";
    config_.read_block_ms = 100;
    config_.reclaim_idle_ms = 200;
  }
  ~ConsumerTest() override { stop(); }

  void start(int slots) {
    consumer_ = std::make_unique<Consumer>(io_, config_, catalog_, runner_, metrics_, slots);
    consumer_->start();
  }

  // Drains the consumer (its jobs finish), closes its connections and lets its loops end.
  void stop() {
    if (!consumer_) return;
    bool drained = false;
    consumer_->stop([&drained] { drained = true; });
    EXPECT_TRUE(support::run_until(
        io_, [&drained] { return drained; }, 30s));
    consumer_->shutdown();
    io_.run_for(500ms);  // the heartbeat, reclaim and start loops see `stopping` and return
    consumer_.reset();
  }

  // Runs the io_context until `condition` holds (false after `limit`).
  bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 10s) {
    return support::run_until(io_, condition, limit);
  }

  // One image of `model` for user-42 (5 credits), due in a minute.
  static JobSpec job(const std::string& id, const std::string& model) {
    JobSpec j = support::make_job(model, 1);
    j.job_id = id;
    j.reply_channel = "test-reply";
    j.deadline_ms = support::unix_ms_from_now(60s);
    return j;
  }

  // What ADMIT leaves behind: the queued job hash, the user's hold and the stream entry.
  void admit(const JobSpec& j) {
    const std::string held = std::to_string(j.cost_per_image * j.count);
    redis_.command({"HSET", keys::job(j.job_id), "status", "queued", "user", j.user_id, "held",
                    held, "cpi", std::to_string(j.cost_per_image), "reply", j.reply_channel});
    redis_.command({"HINCRBY", keys::user(j.user_id), "held", held});
    // ADMIT writes `user` beside the encoded job fields.
    std::vector<std::string> add = {"XADD", std::string(keys::kJobsStream), "*", "user", j.user_id};
    for (auto& [field, value] : encode_job_fields(j)) {
      add.push_back(field);
      add.push_back(value);
    }
    redis_.command(add);
  }

  // The consumer group, created the way the consumer does, so another consumer can read first.
  void create_group() {
    redis_.command({"XGROUP", "CREATE", std::string(keys::kJobsStream),
                    std::string(keys::kWorkersGroup), "0", "MKSTREAM"});
  }

  // `consumer` reads up to `count` new entries (and so owns them, pending) without running them:
  // a worker that dies right after its read.
  void read_as(const std::string& consumer, int count) {
    redis_.command({"XREADGROUP", "GROUP", std::string(keys::kWorkersGroup), consumer, "COUNT",
                    std::to_string(count), "STREAMS", std::string(keys::kJobsStream), ">"});
  }

  std::string job_field(const std::string& id, const std::string& field) {
    return redis_.command({"HGET", keys::job(id), field}).as_string();
  }
  std::int64_t user_field(const std::string& field) {
    return redis_.command({"HGET", keys::user("user-42"), field}).as_int().value_or(0);
  }
  // Entries read by the group and not yet acked.
  std::int64_t pending_entries() {
    auto r = redis_.command(
        {"XPENDING", std::string(keys::kJobsStream), std::string(keys::kWorkersGroup)});
    return r.elements().empty() ? 0 : r.elements()[0].as_int().value_or(0);
  }
  std::int64_t stream_length(std::string_view stream) {
    return redis_.command({"XLEN", std::string(stream)}).as_int().value_or(0);
  }

  static std::int64_t now_unix_ms() { return support::unix_ms_from_now(0ms); }

  support::RedisServer redis_;
  boost::asio::io_context io_;
  support::TestHttpServer upstream_{
      io_, [this](const support::TestRequest& r) { return upstream_reply_(r); }};
  std::function<support::TestReply(const support::TestRequest&)> upstream_reply_ =
      [](const support::TestRequest&) {
        return support::TestReply{500, {}, "unset", false};
      };
  WorkerConfig config_;
  Catalog catalog_;  // empty unless a test loads one: every model is unknown
  HttpClient http_{io_};
  ProviderRegistry registry_ = ProviderRegistry::from_env(
      [base = upstream_.base_url()](std::string_view name) -> std::optional<std::string> {
        if (name == "IMAGEGEN_PROVIDER_BASE_URL") return base;
        if (name == "GEMINI_API_KEY") return "gem-key";
        return std::nullopt;
      });
  support::TempDir dir_;
  LocalStorage storage_{dir_.path()};
  WorkerMetrics metrics_;
  JobRunner runner_{http_, registry_, storage_, metrics_, JobRunnerOptions{}, [] { return 0.0; }};
  std::unique_ptr<Consumer> consumer_;
};

}  // namespace imagegen::worker
