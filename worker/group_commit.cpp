#include "worker/group_commit.h"

#include <algorithm>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

namespace imagegen::worker {

namespace asio = boost::asio;

GroupCommit::GroupCommit(std::function<Result<Ok>()> sync, GroupCommitOptions options,
                         std::function<void(const GroupCommitPass&)> on_pass)
    : sync_(std::move(sync)),
      options_(options),
      on_pass_(std::move(on_pass)),
      thread_([this] { run(); }) {}

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

void GroupCommit::enqueue(Handler handler, const asio::any_io_executor& ex,
                          Clock::time_point start_by, Write write) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    waiting_.push_back(Waiter{std::move(handler), asio::make_work_guard(ex), std::move(write)});
    wake = waiting_.size() == 1 || waiting_.size() == options_.full_batch || start_by < start_by_;
    start_by_ = std::min(start_by_, start_by);
  }
  // Only the writer that opened a batch, filled it or is the least patient so far wakes the
  // helper; the others ride along.
  if (wake) wake_.notify_one();
}

void GroupCommit::linger(std::unique_lock<std::mutex>& lock) {
  const auto cap = Clock::now() + options_.linger;
  while (!stop_ && waiting_.size() < options_.full_batch) {
    const auto until = std::min(cap, start_by_);
    if (Clock::now() >= until) return;
    wake_.wait_until(lock, until);
  }
}

void GroupCommit::run() {
  std::vector<Waiter> batch;
  bool busy = false;  // the last pass had company: more writers are likely on their way
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stop_ || !waiting_.empty(); });
      if (busy && options_.linger.count() > 0) linger(lock);
      if (waiting_.empty()) return;  // stopping with nobody waiting
      batch.swap(waiting_);
      start_by_ = Clock::time_point::max();
    }
    busy = batch.size() > 1;
    // The handed-over writes first, so the sync below covers them as well as everything the
    // others wrote before enqueueing.
    for (auto& w : batch) {
      if (!w.write) continue;
      try {
        w.written = w.write();
      } catch (const std::exception& e) {  // bad_alloc, filesystem_error
        w.written = make_error(Errc::kInternal, e.what());
      }
    }
    Result<Ok> synced = make_error(Errc::kInternal, "sync threw");
    const auto started = Clock::now();
    try {
      synced = sync_();
    } catch (const std::exception& e) {
      synced = make_error(Errc::kInternal, e.what());
    }
    const auto took = Clock::now() - started;
    {
      std::lock_guard lock(mu_);
      ++passes_;
    }
    if (on_pass_) on_pass_(GroupCommitPass{took, batch.size(), synced.ok()});
    for (auto& w : batch) {
      auto ex = w.work.get_executor();
      Result<Ok> outcome = w.written ? synced : std::move(w.written);
      asio::post(ex, [h = std::move(w.handler), work = std::move(w.work),
                      outcome = std::move(outcome)]() mutable {
        work.reset();
        std::move(h)(std::move(outcome));
      });
    }
    batch.clear();
  }
}

}  // namespace imagegen::worker
