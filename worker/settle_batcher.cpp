#include "worker/settle_batcher.h"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "common/lifecycle/spawn.h"
#include "common/redis_keys.h"

namespace imagegen::worker {

namespace asio = boost::asio;

SettleBatcher::SettleBatcher(asio::io_context& ioc, redis::Connection& conn,
                             const redis::Script& script, std::chrono::milliseconds timeout,
                             std::size_t max_batch, std::size_t eager_batch,
                             std::size_t max_in_flight)
    : ioc_(ioc),
      conn_(conn),
      script_(script),
      timeout_(timeout),
      max_batch_(max_batch),
      eager_batch_(eager_batch),
      max_in_flight_(max_in_flight) {}

void SettleBatcher::enqueue(protocol::SettleArgs args, Handler handler) {
  queue_.push_back({std::move(args), std::move(handler)});
  maybe_start();
}

void SettleBatcher::maybe_start() {
  if (start_posted_ || queue_.empty()) return;
  if (in_flight_ > 0 && (in_flight_ >= max_in_flight_ || queue_.size() < eager_batch_)) return;
  start_posted_ = true;
  // Posted, not run here: every job resumed in this turn of the loop (one group-commit pass
  // completes many at once) joins the call.
  asio::post(ioc_, [this] {
    start_posted_ = false;
    if (queue_.empty()) return;
    ++in_flight_;
    most_in_flight_ = std::max(most_in_flight_, in_flight_);
    lifecycle::spawn(ioc_, call(), "settle batch");
  });
}

asio::awaitable<void> SettleBatcher::call() {
  std::deque<Pending> batch;
  while (!queue_.empty() && batch.size() < max_batch_) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  // The rest may be a pass's worth already: it need not wait for this call's reply.
  maybe_start();
  std::vector<protocol::SettleArgs> args;
  args.reserve(batch.size());
  for (auto& p : batch) args.push_back(std::move(p.args));
  ++calls_;
  auto r = co_await script_.run(conn_, protocol::settle_argv(args), timeout_);
  --in_flight_;
  Result<std::vector<protocol::SettleReply>> replies =
      !r              ? Result<std::vector<protocol::SettleReply>>(r.error())
      : r->is_error() ? Result<std::vector<protocol::SettleReply>>(
                            make_error(Errc::kUnavailable, r->as_string()))
                      : protocol::decode_settle_replies(r->strings(), batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Result<protocol::SettleReply> one =
        replies ? Result<protocol::SettleReply>(std::move((*replies)[i]))
                : Result<protocol::SettleReply>(replies.error());
    // Resumed from the loop, not from inside this one: a waiter may settle again at once.
    asio::post(ioc_, [h = std::move(batch[i].handler), one = std::move(one)]() mutable {
      std::move(h)(std::move(one));
    });
  }
  // The jobs that queued while this call was out.
  maybe_start();
}

}  // namespace imagegen::worker
