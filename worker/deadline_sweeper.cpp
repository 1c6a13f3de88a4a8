#include "worker/deadline_sweeper.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/clock.h"
#include "common/job_codec.h"
#include "common/lifecycle/spawn.h"
#include "common/lua_scripts.h"
#include "common/protocol/job_status.h"
#include "common/protocol/settlement.h"
#include "common/redis_keys.h"

namespace imagegen::worker {

namespace asio = boost::asio;

DeadlineSweeper::DeadlineSweeper(asio::io_context& ioc, redis::RedisConfig redis,
                                 WorkerMetrics& metrics, SweeperOptions options)
    : ioc_(ioc),
      metrics_(metrics),
      options_(options),
      redis_(redis::Connection::create(ioc, std::move(redis))),
      settle_(lua::with_prelude(lua::kSettle)),
      timer_(ioc) {}

DeadlineSweeper::~DeadlineSweeper() = default;

void DeadlineSweeper::start() { lifecycle::spawn(ioc_, loop(), "deadline sweeper"); }

void DeadlineSweeper::stop() {
  stopping_ = true;
  timer_.cancel();
}

asio::awaitable<void> DeadlineSweeper::loop() {
  while (!stopping_) {
    co_await sweep_once();
    timer_.expires_after(options_.interval);
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<void> DeadlineSweeper::sweep_once() {
  const std::int64_t cutoff = now_ms() - options_.grace.count();
  std::vector<std::string> range = {"ZRANGEBYSCORE",
                                    std::string(keys::kDeadlines),
                                    "-inf",
                                    std::to_string(cutoff),
                                    "LIMIT",
                                    "0",
                                    std::to_string(options_.batch)};
  auto due = co_await redis_->command(std::move(range), options_.redis_timeout);
  if (!due || due->is_error()) {
    metrics_.redis_error("deadline_sweep");
    co_return;
  }
  for (const auto& id : due->strings()) {
    protocol::SettleArgs args;
    args.job_id = id;
    args.status = protocol::kExpired;
    args.error = "the job passed its deadline";
    args.now_ms = now_ms();
    auto r = co_await settle_.run(*redis_, protocol::settle_argv(args), options_.redis_timeout);
    auto reply = r && !r->is_error() ? protocol::decode_settle_reply(r->strings())
                                     : Result<protocol::SettleReply>(make_error(
                                           Errc::kUnavailable, r ? r->as_string() : "redis"));
    if (!reply) {
      metrics_.redis_error("deadline_settle");
      co_return;  // next pass tries again
    }
    using Outcome = protocol::SettleReply::Outcome;
    if (reply->outcome == Outcome::kSettled) {
      spdlog::info("job={} expired by the deadline sweeper (refunded)", id);
      // Counted here, where the credits moved: the model and refund as SETTLE stored them.
      std::vector<std::string> get = {"HMGET", keys::job(id), "model", "refunded",
                                      std::string(kJobSpecField)};
      auto fields = co_await redis_->command(std::move(get), options_.redis_timeout);
      const auto f = fields && !fields->is_error() ? fields->strings() : std::vector<std::string>{};
      metrics_.job_finished(f.size() == 3 ? job_field(f[0], f[2], "model") : std::string(),
                            protocol::kExpired);
      if (f.size() == 3) metrics_.credits_refunded(std::atoll(f[1].c_str()));
    } else {
      // Settled by someone else, or the job hash is gone: only the index entry is left.
      std::vector<std::string> rem = {"ZREM", std::string(keys::kDeadlines), id};
      auto removed = co_await redis_->command(std::move(rem), options_.redis_timeout);
      if (!removed) metrics_.redis_error("deadline_zrem");
    }
  }
}

}  // namespace imagegen::worker
