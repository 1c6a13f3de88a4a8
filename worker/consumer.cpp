#include "worker/consumer.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/job_codec.h"
#include "common/lifecycle/spawn.h"
#include "common/lua_scripts.h"
#include "common/redis_keys.h"

namespace imagegen::worker {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {
asio::awaitable<void> pause(asio::io_context& ioc, milliseconds d) {
  asio::steady_timer t(ioc, d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

std::vector<std::string> create_group_args() {
  // From "0" so jobs enqueued before the first worker ever ran are not skipped.
  return {"XGROUP", "CREATE",  std::string(keys::kJobsStream), std::string(keys::kWorkersGroup),
          "0",      "MKSTREAM"};
}

// Redis retries: 50 ms doubling to 2 s, equal jitter. `attempt` counts from 0 here.
milliseconds backoff(int attempt) {
  return backoff_delay(attempt + 1, milliseconds(50), milliseconds(2000), unit_random());
}
}  // namespace

std::string_view final_status(int count, int delivered, int blocked, bool deadline_passed) {
  if (delivered >= count) return "succeeded";
  if (delivered > 0) return "partial";
  if (blocked >= count) return "blocked";
  // Nothing came back before the client's wait bound: that is the api's 504, not a failure.
  if (deadline_passed) return "expired";
  return "failed";
}

Consumer::Consumer(asio::io_context& ioc, const WorkerConfig& config, const Catalog& catalog,
                   JobRunner& runner, WorkerMetrics& metrics)
    : ioc_(ioc),
      config_(config),
      catalog_(catalog),
      runner_(runner),
      metrics_(metrics),
      start_(std::string(lua::kStart)),
      finalize_(std::string(lua::kFinalize)),
      slot_signal_(ioc) {}

void Consumer::start() {
  auto url = redis::parse_redis_url(config_.redis_url);
  if (!url) throw std::runtime_error(url.error().message);
  redis::RedisConfig rc;
  rc.url = *url;
  rc.name = "worker-commands";
  commands_ = redis::Connection::create(ioc_, rc);
  rc.name = "worker-reader";
  reader_ = redis::Connection::create(ioc_, rc);
  lifecycle::spawn(ioc_, read_loop(), "read loop");
  lifecycle::spawn(ioc_, depth_loop(), "queue depth loop");
  lifecycle::spawn(ioc_, heartbeat_loop(), "heartbeat loop");
  lifecycle::spawn(ioc_, reclaim_loop(), "reclaim loop");
}

void Consumer::stop(std::function<void()> on_drained) {
  stopping_ = true;
  slot_signal_.cancel();
  gate_.close([this, on_drained = std::move(on_drained)] {
    if (on_drained) asio::post(ioc_, on_drained);
  });
}

void Consumer::shutdown() {
  slot_signal_.cancel();
  reader_.reset();
  commands_.reset();
}

void Consumer::slot_freed() { slot_signal_.cancel(); }

asio::awaitable<void> Consumer::read_loop() {
  const milliseconds timeout(config_.redis_timeout_ms);
  int attempt = 0;
  for (;;) {
    if (stopping_) co_return;
    auto r = co_await commands_->command(create_group_args(), timeout);
    if (r && (!r->is_error() || r->error_code() == "BUSYGROUP")) break;
    co_await pause(ioc_, backoff(attempt++));
  }
  attempt = 0;
  while (!stopping_) {
    const int free_slots = config_.concurrency - in_flight();
    if (free_slots <= 0) {
      slot_signal_.expires_after(std::chrono::seconds(1));
      co_await slot_signal_.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    std::vector<std::string> read_args = {"XREADGROUP",
                                          "GROUP",
                                          std::string(keys::kWorkersGroup),
                                          config_.consumer_name,
                                          "COUNT",
                                          std::to_string(free_slots),
                                          "BLOCK",
                                          std::to_string(config_.read_block_ms),
                                          "STREAMS",
                                          std::string(keys::kJobsStream),
                                          ">"};
    auto reply = co_await reader_->command(
        std::move(read_args), milliseconds(config_.read_block_ms + config_.redis_timeout_ms));
    if (!reply || reply->is_error()) {
      if (reply && reply->error_code() == "NOGROUP") {
        auto created = co_await commands_->command(create_group_args(), timeout);
        if (!created) metrics_.redis_error("xgroup");
      }
      spdlog::warn("stream read failed: {}", reply ? reply->as_string() : reply.error().message);
      metrics_.redis_error("read");
      co_await pause(ioc_, backoff(attempt++));
      continue;
    }
    attempt = 0;
    if (reply->is_nil()) continue;  // BLOCK ran out with nothing new
    for (const auto& stream : reply->elements()) {
      if (stream.elements().size() < 2) continue;
      for (const auto& entry : stream.elements()[1].elements()) {
        if (entry.elements().size() < 2) continue;
        const std::string& entry_id = entry.elements()[0].as_string();
        if (!take(entry_id, entry.elements()[1])) {
          // Not ours to interpret: ack it so it does not come back (nothing can be refunded
          // without a job id; the admission script never writes such an entry).
          std::vector<std::string> ack = {"XACK", std::string(keys::kJobsStream),
                                          std::string(keys::kWorkersGroup), entry_id};
          auto acked = co_await commands_->command(std::move(ack), timeout);
          if (!acked) metrics_.redis_error("xack");  // it comes back and is dropped again
        }
      }
    }
  }
}

bool Consumer::take(const std::string& entry_id, const redis::Reply& kv_reply) {
  std::map<std::string, std::string, std::less<>> fields;
  const auto& kv = kv_reply.elements();
  for (std::size_t i = 0; i + 1 < kv.size(); i += 2)
    fields[kv[i].as_string()] = kv[i + 1].as_string();
  auto job = decode_job_fields(fields);
  if (!job) {
    spdlog::error("dropping malformed stream entry {}: {}", entry_id, job.error().message);
    return false;
  }
  if (entries_in_flight_.count(entry_id) != 0) return true;  // already running here
  auto ticket = gate_.enter();
  if (!ticket) return true;  // stopping: the entry stays pending for another worker
  entries_in_flight_.insert(entry_id);
  metrics_.inflight_jobs_add(1);
  lifecycle::spawn(ioc_, process(entry_id, std::move(job.value()), std::move(ticket)), "job");
  return true;
}

asio::awaitable<void> Consumer::process(std::string entry_id, JobSpec job,
                                        [[maybe_unused]] lifecycle::DrainGate::Ticket ticket) {
  struct Release {
    Consumer& c;
    const std::string& entry;
    ~Release() {
      c.entries_in_flight_.erase(entry);
      c.metrics_.inflight_jobs_add(-1);
      c.slot_freed();
    }
  } release{*this, entry_id};

  const ModelInfo* model = catalog_.find(job.model);
  if (model == nullptr) {
    spdlog::error("job={} unknown model {}", job.job_id, job.model);
    co_await finalize(entry_id, job, "failed", 0, "[]", "unknown model");
    co_return;
  }
  if (now_ms() >= job.deadline_ms) {
    // The api has answered 504 already (or will): spend nothing upstream.
    co_await finalize(entry_id, job, "expired", 0, "[]",
                      "deadline passed before a worker took the job");
    co_return;
  }
  // queued -> running, fire and forget: FINALIZE does not depend on it.
  lifecycle::spawn(ioc_, mark_running(job.job_id), "start");

  JobOutcome outcome = co_await runner_.run_job(job, *model);
  const int delivered = static_cast<int>(outcome.stored_paths.size());
  // The caller stops a little before the deadline so the finalize fits inside it: a run that
  // ended within kDeadlineMarginMs of the deadline ran out of time.
  constexpr std::int64_t kDeadlineMarginMs = 500;
  auto status = final_status(job.count, delivered, outcome.blocked,
                             now_ms() + kDeadlineMarginMs >= job.deadline_ms);
  co_await finalize(entry_id, job, status, delivered, encode_path_list(outcome.stored_paths),
                    outcome.last_error);
}

asio::awaitable<void> Consumer::mark_running(std::string job_id) {
  std::vector<std::string> args = {std::move(job_id), config_.consumer_name,
                                   std::to_string(now_ms())};
  auto r =
      co_await start_.run(*commands_, {}, std::move(args), milliseconds(config_.redis_timeout_ms));
  if (!r || r->is_error()) metrics_.redis_error("start");
}

// Retries until Redis takes it or the job's stream entry is left for reclaim (bounded).
asio::awaitable<void> Consumer::finalize(const std::string& entry_id, const JobSpec& job,
                                         std::string_view status, int delivered,
                                         const std::string& results_json,
                                         const std::string& error) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  for (int attempt = 0;; ++attempt) {
    std::vector<std::string> args = {job.job_id,
                                     std::string(status),
                                     std::to_string(delivered),
                                     results_json,
                                     error,
                                     std::to_string(now_ms()),
                                     entry_id,
                                     std::to_string(config_.job_ttl_s)};
    auto r = co_await finalize_.run(*commands_, {}, std::move(args),
                                    milliseconds(config_.redis_timeout_ms));
    if (r && !r->is_error()) {
      const auto& e = r->elements();
      if (!e.empty() && e[0].as_string() == "ok" && e.size() >= 3) {
        std::int64_t charged = e[2].as_int().value_or(0);
        metrics_.job_finished(status);
        metrics_.credits_captured(charged);
        metrics_.credits_refunded(job.cost_per_image * job.count - charged);
      } else {
        metrics_.job_finished("already_final");  // the api expired it first: nothing charged here
      }
      spdlog::info("job={} user={} model={} status={} delivered={}/{}", job.job_id, job.user_id,
                   job.model, status, delivered, job.count);
      co_return;
    }
    metrics_.redis_error("finalize");
    spdlog::warn("job={} finalize failed (attempt {}): {}", job.job_id, attempt + 1,
                 r ? r->as_string() : r.error().message);
    if (std::chrono::steady_clock::now() > give_up) {
      spdlog::error("job={} left unfinalized; the pending entry stays for reclaim", job.job_id);
      co_return;
    }
    co_await pause(ioc_, backoff(attempt));
  }
}

asio::awaitable<void> Consumer::depth_loop() {
  while (!stopping_) {
    std::vector<std::string> args = {"GET", std::string(keys::kInflight)};
    auto r = co_await commands_->command(std::move(args), milliseconds(config_.redis_timeout_ms));
    if (r && !r->is_error()) metrics_.set_queue_depth(r->as_int().value_or(0));
    co_await pause(ioc_, milliseconds(1000));
  }
}

}  // namespace imagegen::worker
