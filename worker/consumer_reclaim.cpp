// Crash recovery for the stream consumer.
//
// A job's stream entry stays pending (un-acked) until FINALIZE acks it. While a worker runs a
// job it refreshes the entry's idle time (XCLAIM ... JUSTID to itself: no delivery is counted),
// so an entry idle for IMAGEGEN_RECLAIM_IDLE_MS means its worker is gone. Any worker with free
// slots claims such entries (XCLAIM with the same min-idle, so only one claimer wins) and runs
// them again; storage paths are deterministic and FINALIZE settles a job only once, so nothing
// is paid for twice. Past IMAGEGEN_MAX_DELIVERIES the job goes to the dead-letter stream and is
// finalized failed, which refunds it.
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/backoff.h"
#include "common/job_codec.h"
#include "common/lifecycle/pause.h"
#include "common/redis_keys.h"
#include "worker/consumer.h"

namespace imagegen::worker {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {
// Spreads the reclaimers of many workers so they do not all scan at once.
milliseconds jittered(std::int64_t base_ms) {
  return backoff_delay(1, milliseconds(base_ms), milliseconds(base_ms), unit_random());
}
}  // namespace

asio::awaitable<void> Consumer::heartbeat_loop() {
  const std::int64_t every = std::max<std::int64_t>(50, config_.reclaim_idle_ms / 3);
  while (!stopping_ || in_flight_ > 0) {
    co_await lifecycle::pause(ioc_, milliseconds(every));
    if (entries_in_flight_.empty()) continue;
    std::vector<std::string> args = {"XCLAIM", std::string(keys::kJobsStream),
                                     std::string(keys::kWorkersGroup), config_.consumer_name, "0"};
    args.insert(args.end(), entries_in_flight_.begin(), entries_in_flight_.end());
    args.push_back("JUSTID");
    auto r = co_await commands_->command(std::move(args), milliseconds(config_.redis_timeout_ms));
    if (!r || r->is_error()) metrics_.redis_error("heartbeat");
  }
}

asio::awaitable<void> Consumer::reclaim_loop() {
  while (!stopping_) {
    co_await lifecycle::pause(ioc_,
                              jittered(std::max<std::int64_t>(100, config_.reclaim_idle_ms / 2)));
    if (!stopping_) co_await reclaim_once();
  }
}

asio::awaitable<void> Consumer::reclaim_once() {
  const int free_slots = slots_ - in_flight_;
  if (free_slots <= 0) co_return;
  const milliseconds timeout(config_.redis_timeout_ms);
  const std::string min_idle = std::to_string(config_.reclaim_idle_ms);
  std::vector<std::string> pending_args = {"XPENDING",
                                           std::string(keys::kJobsStream),
                                           std::string(keys::kWorkersGroup),
                                           "IDLE",
                                           min_idle,
                                           "-",
                                           "+",
                                           std::to_string(free_slots)};
  auto pending = co_await commands_->command(std::move(pending_args), timeout);
  if (!pending || pending->is_error()) {
    metrics_.redis_error("xpending");
    co_return;
  }
  std::map<std::string, std::int64_t> deliveries;  // entry id -> deliveries so far
  for (const auto& p : pending->elements()) {
    if (p.elements().size() < 4) continue;
    const std::string& id = p.elements()[0].as_string();
    if (entries_in_flight_.count(id)) continue;  // ours and alive
    deliveries[id] = p.elements()[3].as_int().value_or(1);
  }
  if (deliveries.empty()) co_return;
  std::vector<std::string> claim_args = {"XCLAIM", std::string(keys::kJobsStream),
                                         std::string(keys::kWorkersGroup), config_.consumer_name,
                                         min_idle};
  for (const auto& [id, n] : deliveries) claim_args.push_back(id);
  auto claimed = co_await commands_->command(std::move(claim_args), timeout);
  if (!claimed || claimed->is_error()) {
    metrics_.redis_error("xclaim");
    co_return;
  }
  for (const auto& entry : claimed->elements()) {
    if (entry.elements().size() < 2) continue;  // deleted meanwhile
    const std::string entry_id = entry.elements()[0].as_string();
    const std::int64_t delivered_times = deliveries[entry_id] + 1;  // XCLAIM counted one more
    metrics_.reclaimed();
    if (delivered_times <= config_.max_deliveries) {
      spdlog::warn("job_reclaimed entry={} delivery={}", entry_id, delivered_times);
      if (take(entry_id, entry.elements()[1])) continue;
    }
    auto job = decode_job_fields(entry.elements()[1].pairs());
    if (!job) {
      std::vector<std::string> ack = {"XACK", std::string(keys::kJobsStream),
                                      std::string(keys::kWorkersGroup), entry_id};
      auto acked = co_await commands_->command(std::move(ack), timeout);
      if (!acked) metrics_.redis_error("xack");
      continue;
    }
    co_await dead_letter(entry_id, std::move(job.value()), delivered_times);
  }
}

asio::awaitable<void> Consumer::dead_letter(std::string entry_id, JobSpec job,
                                            std::int64_t deliveries) {
  spdlog::error("job_dead_lettered job={} user={} model={} request_id={} deliveries={}", job.job_id,
                job.user_id, job.model, job.request_id, deliveries);
  std::vector<std::string> args = {"XADD",       std::string(keys::kDeadLetterStream),
                                   "MAXLEN",     "~",
                                   "100000",     "*",
                                   "entry",      entry_id,
                                   "deliveries", std::to_string(deliveries),
                                   "reason",     "max deliveries exceeded",
                                   "user",       job.user_id};
  for (auto& [k, v] : encode_job_fields(job)) {
    args.push_back(k);
    args.push_back(std::move(v));
  }
  auto r = co_await commands_->command(std::move(args), milliseconds(config_.redis_timeout_ms));
  if (!r || r->is_error()) {
    metrics_.redis_error("dlq");
    co_return;  // stays pending: the next reclaim pass tries again
  }
  co_await finalize(entry_id, job, "failed", 0, {},
                    "dead-lettered after " + std::to_string(deliveries) + " deliveries",
                    "dead_lettered");
}

}  // namespace imagegen::worker
