#include "worker/group_commit.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

namespace imagegen::worker {

namespace asio = boost::asio;

GroupCommit::GroupCommit(std::function<Result<Ok>()> sync)
    : sync_(std::move(sync)), thread_([this] { run(); }) {}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::uint64_t GroupCommit::passes() const {
  std::lock_guard lock(mu_);
  return passes_;
}

void GroupCommit::enqueue(Handler handler, const asio::any_io_executor& ex) {
  bool first = false;
  {
    std::lock_guard lock(mu_);
    first = waiting_.empty();
    waiting_.push_back(Waiter{std::move(handler), asio::make_work_guard(ex)});
  }
  // Only the writer that opened a batch wakes the helper; the others ride along.
  if (first) wake_.notify_one();
}

void GroupCommit::run() {
  std::vector<Waiter> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stop_ || !waiting_.empty(); });
      if (waiting_.empty()) return;  // stopping with nobody waiting
      batch.swap(waiting_);
    }
    // Everyone in `batch` wrote before enqueueing, so before this call starts.
    Result<Ok> synced = make_error(Errc::kInternal, "sync threw");
    try {
      synced = sync_();
    } catch (const std::exception& e) {
      synced = make_error(Errc::kInternal, e.what());
    }
    {
      std::lock_guard lock(mu_);
      ++passes_;
    }
    for (auto& w : batch) {
      auto ex = w.work.get_executor();
      asio::post(ex, [h = std::move(w.handler), work = std::move(w.work), synced]() mutable {
        work.reset();
        std::move(h)(std::move(synced));
      });
    }
    batch.clear();
  }
}

}  // namespace imagegen::worker
