#include "api/queue_stats.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/clock.h"
#include "common/config.h"
#include "common/redis_keys.h"

namespace imagegen::api {

namespace asio = boost::asio;

namespace {
// "1733000000000-3" -> 1733000000000
std::optional<std::int64_t> entry_ms(std::string_view id) {
  auto ms = parse_int(id.substr(0, id.find('-')), 0, INT64_MAX);
  return ms ? std::optional<std::int64_t>(*ms) : std::nullopt;
}

double number(const redis::Reply& r) { return static_cast<double>(r.as_int().value_or(0)); }
}  // namespace

std::vector<std::vector<std::string>> queue_stats_commands() {
  const std::string jobs(keys::kJobsStream);
  return {
      {"XLEN", jobs},
      {"XINFO", "GROUPS", jobs},
      {"XLEN", std::string(keys::kDeadLetterStream)},
      {"ZCARD", std::string(keys::kDeadlines)},
      {"HGET", std::string(keys::kStats), "granted"},
  };
}

QueueRead read_queue_stats(const std::vector<redis::Reply>& r) {
  QueueRead out;
  QueueStats& s = out.stats;
  if (r.size() < 5) return out;
  s.stream_length = number(r[0]);
  s.dead_letters = number(r[2]);
  s.in_flight = number(r[3]);
  s.credits_granted = number(r[4]);
  // XINFO GROUPS: one flat [name, value, ...] array per group; ours is keys::kWorkersGroup.
  for (const auto& group : r[1].elements()) {
    auto map = group.to_map();
    if (!map || (*map)["name"] != keys::kWorkersGroup) continue;
    const auto& kv = group.elements();
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
      const std::string& k = kv[i].as_string();
      if (k == "pending") s.pending = number(kv[i + 1]);
      if (k == "lag") s.lag = number(kv[i + 1]);
    }
    out.last_delivered_id = (*map)["last-delivered-id"];
  }
  return out;
}

double oldest_age_s(const redis::Reply& xrange_reply, std::int64_t now_ms) {
  const auto& entries = xrange_reply.elements();
  if (entries.empty() || entries[0].elements().empty()) return 0;
  auto ms = entry_ms(entries[0].elements()[0].as_string());
  if (!ms) return 0;
  return std::max<double>(0, static_cast<double>(now_ms - *ms) / 1000.0);
}

asio::awaitable<void> poll_queue_stats(redis::Connection& redis, ApiMetrics& metrics,
                                       std::chrono::milliseconds every, const bool& stopping) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopping) {
    std::vector<redis::Reply> replies;
    bool ok = true;
    for (auto& cmd : queue_stats_commands()) {
      auto r = co_await redis.command(std::move(cmd), std::chrono::milliseconds(500));
      if (stopping) co_return;  // the connection may be gone
      if (!r) {
        ok = false;
        break;
      }
      replies.push_back(std::move(r.value()));
    }
    const auto stats = redis.stats();
    metrics.redis().sample("api-queue-stats", stats, ok && redis.is_connected());
    if (ok) {
      const auto now = now_ms();
      auto read = read_queue_stats(replies);
      if (read.stats.lag > 0 && !read.last_delivered_id.empty()) {
        // The oldest job no worker has taken is the first entry after the last delivered one.
        std::vector<std::string> next = {
            "XRANGE", std::string(keys::kJobsStream), "(" + read.last_delivered_id, "+", "COUNT",
            "1"};
        auto r = co_await redis.command(std::move(next), std::chrono::milliseconds(500));
        if (stopping) co_return;
        if (r && !r->is_error()) read.stats.oldest_age_s = oldest_age_s(*r, now);
      }
      metrics.queue_stats(read.stats);
    } else {
      metrics.redis_error("queue_stats");
    }
    timer.expires_after(every);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace imagegen::api
