#include "worker/group_commit.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

namespace imagegen::worker {

namespace asio = boost::asio;

GroupCommit::GroupCommit(std::function<Result<Ok>()> sync, GroupCommitOptions options)
    : sync_(std::move(sync)), options_(options), thread_([this] { run(); }) {}

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
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    waiting_.push_back(Waiter{std::move(handler), asio::make_work_guard(ex)});
    wake = waiting_.size() == 1 || waiting_.size() == options_.full_batch;
  }
  // Only the writer that opened a batch (or filled it) wakes the helper; the others ride along.
  if (wake) wake_.notify_one();
}

void GroupCommit::run() {
  std::vector<Waiter> batch;
  bool busy = false;  // the last pass had company: more writers are likely on their way
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stop_ || !waiting_.empty(); });
      if (busy && options_.linger.count() > 0) {
        wake_.wait_for(lock, options_.linger,
                       [this] { return stop_ || waiting_.size() >= options_.full_batch; });
      }
      if (waiting_.empty()) return;  // stopping with nobody waiting
      batch.swap(waiting_);
    }
    busy = batch.size() > 1;
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
