#include "worker/group_commit.h"

#include <algorithm>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

#include "common/thread_name.h"

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
                          Clock::time_point start_by, Write write, std::size_t files) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    waiting_.push_back(Waiter{std::move(handler), asio::make_work_guard(ex), std::move(write), Ok{},
                              files, start_by});
    // Only the writer that opened a batch, filled it or is the least patient so far wakes the
    // helper; the others ride along. A lingering helper finds the others by itself.
    const std::size_t before = lingering_files_ + waiting_files_;
    waiting_files_ += files;
    wake = (lingering_ == 0 && waiting_.size() == 1) ||
           (before < options_.full_batch && before + files >= options_.full_batch) ||
           start_by < start_by_;
    start_by_ = std::min(start_by_, start_by);
  }
  if (wake) wake_.notify_one();
}

namespace {
// Runs the writes of batch[from, end) on this (the helper) thread.
template <typename Waiters>
void write_all(Waiters& batch, std::size_t from) {
  for (std::size_t i = from; i < batch.size(); ++i) {
    auto& w = batch[i];
    if (!w.write) continue;
    try {
      w.written = w.write();
    } catch (const std::exception& e) {  // bad_alloc, filesystem_error
      w.written = make_error(Errc::kInternal, e.what());
    }
  }
}
}  // namespace

bool GroupCommit::gather(std::vector<Waiter>& batch, bool linger) {
  {
    std::unique_lock lock(mu_);
    wake_.wait(lock, [this] { return stop_ || !waiting_.empty(); });
    if (waiting_.empty()) return false;  // stopping with nobody waiting
  }
  const auto cap = Clock::now() + (linger ? options_.linger : std::chrono::microseconds(0));
  std::size_t written = 0;
  std::size_t files = 0;
  for (;;) {
    bool start = false;
    {
      std::unique_lock lock(mu_);
      // In arrival order, up to a full pass (at least one writer, whatever its files).
      while (!waiting_.empty() && (batch.empty() || files < options_.full_batch)) {
        files += waiting_.front().files;
        waiting_files_ -= waiting_.front().files;
        batch.push_back(std::move(waiting_.front()));
        waiting_.pop_front();
      }
      const auto until = std::min(cap, start_by_);
      start = stop_ || files >= options_.full_batch || Clock::now() >= until;
      if (start) {
        lingering_ = 0;
        lingering_files_ = 0;
        // Those left behind keep their patience for the next pass.
        start_by_ = Clock::time_point::max();
        for (const Waiter& w : waiting_) start_by_ = std::min(start_by_, w.start_by);
      } else {
        lingering_ = batch.size();
        lingering_files_ = files;
        // Nothing new to write: wait for the next look (or a wake-up for a full batch or an
        // impatient writer).
        if (written == batch.size())
          wake_.wait_until(lock, std::min(until, Clock::now() + options_.write_step));
      }
    }
    write_all(batch, written);
    written = batch.size();
    if (start) return true;
  }
}

void GroupCommit::run() {
  set_thread_name("storage-sync");
  std::vector<Waiter> batch;
  bool busy = false;  // the last pass had company: more writers are likely on their way
  for (;;) {
    if (!gather(batch, busy && options_.linger.count() > 0)) return;
    busy = batch.size() > 1;
    // Every write of the batch is done, and everyone else wrote before enqueueing: all of it
    // before this call starts.
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
    if (on_pass_) {
      std::size_t files = 0;
      for (const auto& w : batch) files += w.files;
      on_pass_(GroupCommitPass{took, batch.size(), files, synced.ok()});
    }
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
