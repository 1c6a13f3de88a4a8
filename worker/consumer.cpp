#include "worker/consumer.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/job_codec.h"
#include "common/lifecycle/pause.h"
#include "common/lifecycle/spawn.h"
#include "common/lua_scripts.h"
#include "common/protocol/job_status.h"
#include "common/protocol/settlement.h"
#include "common/redis_keys.h"
#include "worker/cancel_token.h"
#include "worker/start_marks.h"

namespace imagegen::worker {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {
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

Consumer::Consumer(asio::io_context& ioc, const WorkerConfig& config, const Catalog& catalog,
                   JobRunner& runner, WorkerMetrics& metrics, int slots)
    : ioc_(ioc),
      config_(config),
      catalog_(catalog),
      runner_(runner),
      metrics_(metrics),
      start_many_(lua::with_prelude(kStartMany)),
      finalize_(lua::with_prelude(lua::kSettle)),
      slot_signal_(ioc),
      slots_(slots) {}

void Consumer::start() {
  auto url = redis::parse_redis_url(config_.redis_url);
  if (!url) throw std::runtime_error(url.error().message);
  redis::RedisConfig rc;
  rc.url = *url;
  rc.name = "worker-commands";
  commands_ = redis::Connection::create(ioc_, rc);
  settler_.emplace(ioc_, *commands_, finalize_, milliseconds(config_.redis_timeout_ms));
  rc.name = "worker-reader";
  reader_ = redis::Connection::create(ioc_, rc);
  lifecycle::spawn(ioc_, read_loop(), "read loop");
  lifecycle::spawn(ioc_, heartbeat_loop(), "heartbeat loop");
  lifecycle::spawn(ioc_, reclaim_loop(), "reclaim loop");
  lifecycle::spawn(ioc_, start_loop(), "start loop");
}

void Consumer::stop(std::function<void()> on_drained) {
  stopping_ = true;
  on_drained_ = std::move(on_drained);
  slot_signal_.cancel();
  if (in_flight_ == 0 && on_drained_) asio::post(ioc_, std::exchange(on_drained_, nullptr));
}

void Consumer::shutdown() {
  slot_signal_.cancel();
  reader_.reset();
  settler_.reset();
  commands_.reset();
}

void Consumer::slot_freed() {
  slot_signal_.cancel();
  if (stopping_ && in_flight_ == 0 && on_drained_)
    asio::post(ioc_, std::exchange(on_drained_, nullptr));
}

asio::awaitable<void> Consumer::read_loop() {
  const milliseconds timeout(config_.redis_timeout_ms);
  int attempt = 0;
  for (;;) {
    if (stopping_) co_return;
    auto r = co_await commands_->command(create_group_args(), timeout);
    if (r && (!r->is_error() || r->error_code() == "BUSYGROUP")) break;
    co_await lifecycle::pause(ioc_, backoff(attempt++));
  }
  attempt = 0;
  while (!stopping_) {
    const int free_slots = slots_ - in_flight_;
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
      co_await lifecycle::pause(ioc_, backoff(attempt++));
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
  auto job = decode_job_fields(kv_reply.pairs());
  if (!job) {
    spdlog::error("stream_entry_malformed entry={} error=\"{}\"", entry_id, job.error().message);
    return false;
  }
  if (!entries_in_flight_.insert(entry_id).second) return true;  // already running here
  ++in_flight_;
  metrics_.inflight_jobs_add(1);
  lifecycle::spawn(ioc_, process(entry_id, std::move(job.value())), "job");
  return true;
}

asio::awaitable<void> Consumer::process(std::string entry_id, JobSpec job) {
  struct Release {
    Consumer& c;
    const std::string& entry;
    ~Release() {
      c.entries_in_flight_.erase(entry);
      --c.in_flight_;
      c.metrics_.inflight_jobs_add(-1);
      c.slot_freed();
    }
  } release{*this, entry_id};

  const auto taken_ms = now_ms();
  if (job.created_ms > 0) {
    metrics_.job_duration(job.model, "queue", static_cast<double>(taken_ms - job.created_ms) / 1e3);
  }
  const ModelInfo* model = catalog_.find(job.model);
  if (model == nullptr) {
    spdlog::error("job_unknown_model job={} user={} model={} request_id={}", job.job_id,
                  job.user_id, job.model, job.request_id);
    co_await finalize(entry_id, job, protocol::kFailed, 0, {}, "unknown model");
    co_return;
  }
  if (now_ms() >= job.deadline_ms) {
    // The api has answered 504 already (or will): spend nothing upstream.
    co_await finalize(entry_id, job, protocol::kExpired, 0, {},
                      "deadline passed before a worker took the job");
    co_return;
  }
  // Cancel (issue 11): a job cancelled while it waited in the queue costs nothing upstream; its
  // settlement below only acks the entry (SETTLE answers "already").
  if (cancels_ != nullptr && cancels_->recently_cancelled(job.job_id)) {
    co_await finalize(entry_id, job, protocol::kCancelled, 0, {}, "cancelled by the client");
    co_return;
  }
  // A cancel heard while the job runs stops its upstream work (and, where the protocol has one,
  // sends the upstream cancel call). The token is tripped on this job's io_context.
  auto cancel = std::make_shared<CancelToken>();
  auto cancel_watch =
      cancels_ != nullptr
          ? cancels_->watch(job.job_id,
                            [this, cancel] { asio::post(ioc_, [cancel] { cancel->cancel(); }); })
          : CancelListener::Watch{};
  // queued -> running on the next start tick, batched with every other job taken meanwhile.
  to_mark_.emplace(job.job_id, now_ms());

  JobOutcome outcome = co_await runner_.run_job(job, *model, cancel);
  const int delivered = static_cast<int>(outcome.stored_paths.size());
  // The caller stops a little before the deadline so the finalize fits inside it: a run that
  // ended within kDeadlineMarginMs of the deadline ran out of time.
  constexpr std::int64_t kDeadlineMarginMs = 500;
  auto status = protocol::final_status(job.count, delivered, outcome.blocked,
                                       now_ms() + kDeadlineMarginMs >= job.deadline_ms);
  co_await finalize(entry_id, job, status, delivered, outcome.stored_paths, outcome.last_error);
  metrics_.job_duration(job.model, "run", static_cast<double>(now_ms() - taken_ms) / 1e3);
}

asio::awaitable<void> Consumer::start_loop() {
  // Short enough that a job polled right after it was taken already shows `running`; one call
  // per tick whatever the number of jobs taken.
  constexpr milliseconds kTick(100);
  while (!stopping_ || in_flight_ > 0) {
    co_await lifecycle::pause(ioc_, kTick);
    if (to_mark_.empty() || !commands_) continue;
    std::vector<TakenJob> batch;
    batch.reserve(to_mark_.size());
    for (auto& [id, taken] : to_mark_) batch.push_back({id, taken});
    to_mark_.clear();
    auto r = co_await start_many_.run(*commands_, start_many_argv(config_.consumer_name, batch),
                                      milliseconds(config_.redis_timeout_ms));
    // Lost marks only hide `running`: SETTLE moves a queued job to its final status as well.
    if (!r || r->is_error()) metrics_.redis_error("start");
  }
}

// Retries until Redis takes it or the job's stream entry is left for reclaim (bounded).
asio::awaitable<void> Consumer::finalize(const std::string& entry_id, const JobSpec& job,
                                         std::string_view status, int delivered,
                                         const std::vector<std::string>& results,
                                         const std::string& error, std::string_view counted_as) {
  to_mark_.erase(job.job_id);  // settled before its start tick: never shown as running
  const auto settle_started = std::chrono::steady_clock::now();
  const auto give_up = settle_started + std::chrono::minutes(2);
  protocol::SettleArgs args;
  args.job_id = job.job_id;
  args.status = status;
  args.delivered = delivered;
  args.results = results;
  args.error = error;
  args.stream_entry = entry_id;
  for (int attempt = 0;; ++attempt) {
    args.now_ms = now_ms();
    // Batched with every other job of this thread settling now (worker/settle_batcher.h).
    auto reply = co_await settler_->settle(args);
    if (reply) {
      metrics_.job_step("settle", std::chrono::steady_clock::now() - settle_started);
      if (reply->outcome == protocol::SettleReply::Outcome::kSettled) {
        const std::int64_t charged = reply->completion.charged;
        metrics_.job_finished(job.model, counted_as.empty() ? status : counted_as);
        metrics_.credits_captured(charged);
        metrics_.credits_refunded(job.cost_per_image * job.count - charged);
      }
      // Otherwise the api expired it or the client cancelled it first: that settlement was
      // counted by the process that made it, and nothing moved here.
      const bool won = reply->outcome == protocol::SettleReply::Outcome::kSettled;
      spdlog::info(
          "job_settled job={} user={} model={} request_id={} status={} delivered={} count={} "
          "settled_here={}",
          job.job_id, job.user_id, job.model, job.request_id,
          won ? status : std::string_view(reply->completion.status), delivered, job.count, won);
      co_return;
    }
    metrics_.redis_error("finalize");
    spdlog::warn("job_settle_failed job={} user={} model={} request_id={} attempt={} error=\"{}\"",
                 job.job_id, job.user_id, job.model, job.request_id, attempt + 1,
                 reply.error().message);
    if (std::chrono::steady_clock::now() > give_up) {
      spdlog::error(
          "job_left_for_reclaim job={} user={} model={} request_id={} reason=\"settlement kept "
          "failing\"",
          job.job_id, job.user_id, job.model, job.request_id);
      co_return;
    }
    co_await lifecycle::pause(ioc_, backoff(attempt));
  }
}

}  // namespace imagegen::worker
