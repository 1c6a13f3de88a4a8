#include "worker/settle_batcher.h"

#include <boost/asio/post.hpp>

#include "common/lifecycle/spawn.h"
#include "common/redis_keys.h"

namespace imagegen::worker {

namespace asio = boost::asio;

SettleBatcher::SettleBatcher(asio::io_context& ioc, redis::Connection& conn,
                             const redis::Script& script, std::chrono::milliseconds timeout,
                             std::size_t max_batch)
    : ioc_(ioc), conn_(conn), script_(script), timeout_(timeout), max_batch_(max_batch) {}

void SettleBatcher::enqueue(protocol::SettleArgs args, Handler handler) {
  queue_.push_back({std::move(args), std::move(handler)});
  if (flushing_) return;  // the running flush takes it with the next call
  flushing_ = true;
  // Posted, not run here: every job resumed in this turn of the loop (one group-commit pass
  // completes many at once) joins the first call.
  asio::post(ioc_, [this] { lifecycle::spawn(ioc_, flush(), "settle batch"); });
}

asio::awaitable<void> SettleBatcher::flush() {
  while (!queue_.empty()) {
    std::deque<Pending> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    std::vector<protocol::SettleArgs> args;
    args.reserve(batch.size());
    for (auto& p : batch) args.push_back(std::move(p.args));
    ++calls_;
    auto r = co_await script_.run(conn_, protocol::settle_argv(args), timeout_);
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
  }
  flushing_ = false;
}

}  // namespace imagegen::worker
