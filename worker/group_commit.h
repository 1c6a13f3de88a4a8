#pragma once
// Group commit: many writers wait for durability, one helper thread makes it happen for all of
// them at once. A writer that arrives while a sync pass runs joins the next pass, so the number
// of passes adapts to the load (one per sync duration at most) instead of one per file.
//
// A writer may also hand over its write: the helper runs every write of a pass, then the pass's
// sync. The io threads then never touch the filesystem. They used to create the files
// themselves, and a file creation blocked whenever a running sync was writing back the block it
// had to change (the directory's block, the inode bitmap): `linkat` and `openat` on the io
// threads stalled for 60-220 ms at a time in the slow benchmark cell, and every job on the
// thread waited with them (docs/bench.md, twelfth round). It costs no extra thread hop: the
// writer hands over one closure instead of just a completion, and the helper wakes once per
// pass either way.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "common/result.h"

namespace imagegen::worker {

// Under load, a pass waits up to `linger` for `full_batch` files before it starts: a syncfs
// costs about 90 us of CPU, a device flush and the kernel's writeback work whatever the number
// of files, and at a few thousand images a second passes otherwise start with a handful of
// files each. 4 ms and 256 halve the passes of 1 ms and 64 (110 → 50 a second in the slow
// benchmark cell) for less worker CPU (docs/bench.md, eighth round); a few ms are nothing beside
// an upstream's seconds. But they are a lot beside a fast job's few ms, so each writer also says
// how long it will wait for company (`patience`, see durable()), and a pass starts when the
// least patient writer waiting has waited that long. After a pass of a single writer (a quiet
// worker) the next one starts at once. While a pass lingers, the helper looks for handed-over
// writes every `write_step` and does them then, so the pass starts with its files written; it
// polls rather than being woken by each writer, which would cost a wake-up per image.
//
// `full_batch` is also the most a pass takes (but never less than one writer): writers beyond
// it, in arrival order, open the next pass. Without the cap a burst of finished jobs (the slow
// cell's waves of a thousand jobs, four images each) became one pass whose writes alone took
// ~100 ms per thousand files, and the first job of the burst waited for the last one's file
// before its sync could start (docs/bench.md, fourteenth round).
struct GroupCommitOptions {
  std::chrono::microseconds linger{4000};
  std::size_t full_batch = 256;
  std::chrono::microseconds write_step{1000};
};

// What one pass did, for metrics: how long `sync` took, how many writers it made durable and
// how many files they said they wrote (see durable()).
struct GroupCommitPass {
  std::chrono::duration<double> sync;
  std::size_t writers = 0;
  std::size_t files = 0;
  bool ok = true;
};

class GroupCommit {
 public:
  // `sync` makes everything written before it was called durable (e.g. syncfs); it runs on the
  // helper thread only, one call at a time.
  // `on_pass`, when set, is called on the helper thread after every pass, before its writers
  // are resumed; it must not block.
  explicit GroupCommit(std::function<Result<Ok>()> sync, GroupCommitOptions options = {},
                       std::function<void(const GroupCommitPass&)> on_pass = {});
  // Runs a last pass for writers still waiting, then joins the helper thread. Their
  // completions are posted to their executors, which resume them only if still running.
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Runs on the helper thread, before the sync of its pass. Whatever it references must live
  // until durable() completes (the awaiting coroutine's frame does).
  using Write = std::function<Result<Ok>()>;

  // Completes, on the caller's executor, after a sync pass that started after this call:
  // whatever the caller wrote before calling, and what `write` (when set) wrote within the
  // pass, is then durable. Fails with the write's error (no sync was needed for it: nothing of
  // it is promised), else with the pass's. A pass that lingers for company starts no later
  // than `patience` after this call (and never later than the options' linger allows).
  // `files` is how many files the writer stands for (a job's images are one writer), for the
  // pass's report only. Thread-safe. Cancelled by: nothing.
  boost::asio::awaitable<Result<Ok>> durable(
      std::chrono::microseconds patience = std::chrono::microseconds::max(), Write write = {},
      std::size_t files = 1) {
    auto ex = co_await boost::asio::this_coro::executor;
    const auto start_by =
        patience >= options_.linger ? Clock::time_point::max() : Clock::now() + patience;
    // A named local, not a lambda inside the co_await expression: g++ 12 may destroy the
    // captures (the executor) of such a temporary twice.
    auto initiate = [this, ex, start_by, files, write = std::move(write)](auto handler) mutable {
      enqueue(Handler(std::move(handler)), ex, start_by, std::move(write), files);
    };
    co_return co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                                   void(Result<Ok>)>(initiate,
                                                                     boost::asio::use_awaitable);
  }

  // Sync passes run so far (for tests and logs).
  std::uint64_t passes() const;

 private:
  using Clock = std::chrono::steady_clock;
  using Handler = boost::asio::any_completion_handler<void(Result<Ok>)>;
  struct Waiter {
    Handler handler;
    // Keeps the waiter's io_context from running out of work while the pass runs.
    boost::asio::executor_work_guard<boost::asio::any_io_executor> work;
    Write write;
    Result<Ok> written = Ok{};  // the write's outcome, set by the pass
    std::size_t files = 1;
    Clock::time_point start_by;  // its pass starts no later than this (its patience)
  };
  void enqueue(Handler handler, const boost::asio::any_io_executor& ex, Clock::time_point start_by,
               Write write, std::size_t files);
  // Gathers the next pass into `batch`, doing handed-over writes as they come, until the pass
  // should start (see GroupCommitOptions). False when stopping with nobody waiting.
  bool gather(std::vector<Waiter>& batch, bool linger);
  void run();

  std::function<Result<Ok>()> sync_;
  GroupCommitOptions options_;
  std::function<void(const GroupCommitPass&)> on_pass_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  // A deque: Waiter cannot be move-assigned (its work guard), and a pass takes from the front.
  std::deque<Waiter> waiting_;
  std::size_t waiting_files_ = 0;
  Clock::time_point start_by_ = Clock::time_point::max();  // the least patient waiter's limit
  // Writers and files of the pass being gathered (taken from waiting_), while it lingers; 0
  // otherwise.
  std::size_t lingering_ = 0;
  std::size_t lingering_files_ = 0;
  bool stop_ = false;
  std::uint64_t passes_ = 0;
  std::thread thread_;
};

}  // namespace imagegen::worker
