#include "worker/group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace imagegen::worker {
namespace {

namespace asio = boost::asio;

// A sync pass the test holds open until it says so, counting calls.
struct HeldSync {
  std::promise<void> entered_first;
  std::promise<void> release_first;
  std::shared_future<void> released = release_first.get_future().share();
  std::atomic<int> calls{0};
  Result<Ok> result = Ok{};

  Result<Ok> operator()() {
    if (calls.fetch_add(1) == 0) {
      entered_first.set_value();
      released.wait();
    }
    return result;
  }
};

// A writer standing for `files` files whose write runs `write` on the helper thread.
void spawn_writer(asio::io_context& io, GroupCommit& commit,
                  std::vector<std::optional<Result<Ok>>>& out, std::size_t i, std::size_t files,
                  GroupCommit::Write write) {
  asio::co_spawn(
      io,
      [&commit, &out, i, files, write = std::move(write)]() mutable -> asio::awaitable<void> {
        out[i] = co_await commit.durable(std::chrono::microseconds::max(), std::move(write), files);
      },
      asio::detached);
}

// A writer of one file that wrote it before calling, and waits for company as long as allowed.
void spawn_waiter(asio::io_context& io, GroupCommit& commit,
                  std::vector<std::optional<Result<Ok>>>& out, std::size_t i) {
  spawn_writer(io, commit, out, i, 1, {});
}

TEST(GroupCommit, WritersArrivingDuringAPassShareTheNextOne) {
  HeldSync sync;
  auto entered = sync.entered_first.get_future();
  asio::io_context io;
  std::vector<std::optional<Result<Ok>>> out(10);
  {
    GroupCommit commit([&] { return sync(); });
    spawn_waiter(io, commit, out, 0);
    io.poll();       // the first writer enqueues and opens pass 1
    entered.wait();  // pass 1 is running (held)
    for (std::size_t i = 1; i < out.size(); ++i) spawn_waiter(io, commit, out, i);
    io.poll();  // nine more enqueue while pass 1 runs
    sync.release_first.set_value();
    while (std::any_of(out.begin(), out.end(), [](const auto& r) { return !r.has_value(); })) {
      io.run_one();  // each completion is posted back to this io_context
    }
    EXPECT_EQ(commit.passes(), 2u);
  }
  EXPECT_EQ(sync.calls.load(), 2);
  for (const auto& r : out) EXPECT_TRUE(*r);
}

// Writer 0 alone in pass 1 (held open), writers 1 and 2 queue meanwhile and share pass 2: the
// commit has just had a busy pass, so its next one lingers.
void run_two_passes_the_second_busy(asio::io_context& io, GroupCommit& commit, HeldSync& sync,
                                    std::future<void>& entered,
                                    std::vector<std::optional<Result<Ok>>>& out) {
  spawn_waiter(io, commit, out, 0);
  io.poll();
  entered.wait();
  spawn_waiter(io, commit, out, 1);
  spawn_waiter(io, commit, out, 2);
  io.poll();
  sync.release_first.set_value();
  while (!out[1] || !out[2]) io.run_one();
}

TEST(GroupCommit, UnderLoadAPassWaitsForAFullBatch) {
  HeldSync sync;
  auto entered = sync.entered_first.get_future();
  asio::io_context io;
  auto keep = asio::make_work_guard(io);  // run_one waits, not returns, between writers
  std::vector<std::optional<Result<Ok>>> out(6);
  // A linger far longer than the test: only a full batch can start the pass after a busy one.
  GroupCommit commit([&] { return sync(); }, GroupCommitOptions{std::chrono::hours(1), 3});
  run_two_passes_the_second_busy(io, commit, sync, entered, out);
  ASSERT_EQ(commit.passes(), 2u);
  // Pass 2 had company, so pass 3 waits until three writers are queued, even one at a time.
  spawn_waiter(io, commit, out, 3);
  io.poll();
  spawn_waiter(io, commit, out, 4);
  io.poll();
  EXPECT_EQ(commit.passes(), 2u);
  EXPECT_FALSE(out[3].has_value());
  spawn_waiter(io, commit, out, 5);
  while (!out[3] || !out[4] || !out[5]) io.run_one();
  EXPECT_EQ(commit.passes(), 3u);
  EXPECT_EQ(sync.calls.load(), 3);
}

// Like spawn_waiter, for a writer that waits for company at most `patience`.
void spawn_impatient(asio::io_context& io, GroupCommit& commit,
                     std::vector<std::optional<Result<Ok>>>& out, std::size_t i,
                     std::chrono::microseconds patience) {
  asio::co_spawn(
      io,
      [&commit, &out, i, patience]() -> asio::awaitable<void> {
        out[i] = co_await commit.durable(patience);
      },
      asio::detached);
}

// Runs `io` until writers `which` have their outcome, or 30 s (the caller asserts which).
void run_until_done(asio::io_context& io, const std::vector<std::optional<Result<Ok>>>& out,
                    std::initializer_list<std::size_t> which) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto done = [&] {
    return std::all_of(which.begin(), which.end(), [&](auto i) { return out[i].has_value(); });
  };
  while (!done() && std::chrono::steady_clock::now() < give_up) {
    io.run_one_for(std::chrono::milliseconds(100));
  }
}

TEST(GroupCommit, AQuietWriterIsNotKeptWaiting) {
  HeldSync sync;
  sync.release_first.set_value();
  asio::io_context io;
  auto keep = asio::make_work_guard(io);  // run_one waits, not returns, between writers
  std::vector<std::optional<Result<Ok>>> out(3);
  // With an hour of linger, these complete only because a pass of one writer never lingers.
  GroupCommit commit([&] { return sync(); }, GroupCommitOptions{std::chrono::hours(1), 64});
  for (std::size_t i = 0; i < out.size(); ++i) {
    spawn_waiter(io, commit, out, i);
    while (!out[i]) io.run_one();
  }
  EXPECT_EQ(commit.passes(), 3u);
}

TEST(GroupCommit, EveryPassIsReportedWithItsWritersAndOutcome) {
  HeldSync sync;
  auto entered = sync.entered_first.get_future();
  asio::io_context io;
  std::vector<std::optional<Result<Ok>>> out(4);
  std::mutex mu;
  std::vector<GroupCommitPass> passes;
  {
    // Pass 1 succeeds (held open), pass 2 fails.
    auto first_ok_then_failing = [&]() -> Result<Ok> {
      const bool first = sync.calls.load() == 0;
      Result<Ok> held = sync();  // holds pass 1 open until the test releases it
      if (first) return held;
      return make_error(Errc::kUnavailable, "disk gone");
    };
    GroupCommit commit(first_ok_then_failing, GroupCommitOptions{std::chrono::microseconds(0), 64},
                       [&](const GroupCommitPass& p) {
                         std::lock_guard lock(mu);
                         passes.push_back(p);
                       });
    spawn_waiter(io, commit, out, 0);
    io.poll();
    entered.wait();  // pass 1 holds one writer; three more queue for pass 2
    for (std::size_t i = 1; i < out.size(); ++i) spawn_waiter(io, commit, out, i);
    io.poll();
    sync.release_first.set_value();
    while (std::any_of(out.begin(), out.end(), [](const auto& r) { return !r.has_value(); })) {
      io.run_one();
    }
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(passes.size(), 2u);
  EXPECT_EQ(passes[0].writers, 1u);
  EXPECT_TRUE(passes[0].ok);
  EXPECT_GT(passes[0].sync.count(), 0.0);  // the sync was held open while three writers queued
  EXPECT_EQ(passes[1].writers, 3u);
  EXPECT_FALSE(passes[1].ok);
}

// A burst of more files than a full pass is cut into full passes in arrival order, each written
// just before its own sync: the first writers' sync does not wait for the last ones' writes.
TEST(GroupCommit, ABurstIsCutIntoFullPassesInArrivalOrder) {
  HeldSync sync;
  auto entered = sync.entered_first.get_future();
  asio::io_context io;
  std::vector<std::optional<Result<Ok>>> out(6);
  std::mutex mu;
  std::vector<GroupCommitPass> passes;
  std::vector<std::pair<std::size_t, int>> writes;  // (writer, syncs started before its write)
  {
    GroupCommit commit([&] { return sync(); }, GroupCommitOptions{std::chrono::microseconds(0), 4},
                       [&](const GroupCommitPass& p) {
                         std::lock_guard lock(mu);
                         passes.push_back(p);
                       });
    spawn_waiter(io, commit, out, 0);
    io.poll();
    entered.wait();  // pass 1 holds writer 0; writers 1-5 (two files each) queue meanwhile
    for (std::size_t i = 1; i < out.size(); ++i) {
      spawn_writer(io, commit, out, i, 2, [&, i] {
        std::lock_guard lock(mu);
        writes.emplace_back(i, sync.calls.load());
        return Result<Ok>(Ok{});
      });
    }
    io.poll();
    sync.release_first.set_value();
    while (std::any_of(out.begin(), out.end(), [](const auto& r) { return !r.has_value(); })) {
      io.run_one();
    }
  }
  for (const auto& r : out) EXPECT_TRUE(*r);
  std::lock_guard lock(mu);
  ASSERT_EQ(passes.size(), 4u);
  const std::size_t writers[] = {1, 2, 2, 1};
  const std::size_t files[] = {1, 4, 4, 2};
  for (std::size_t p = 0; p < passes.size(); ++p) {
    EXPECT_EQ(passes[p].writers, writers[p]) << "pass " << p;
    EXPECT_EQ(passes[p].files, files[p]) << "pass " << p;
  }
  // Writers 1 and 2 wrote after pass 1's sync began and before pass 2's, 3 and 4 before pass
  // 3's, 5 before pass 4's.
  const std::vector<std::pair<std::size_t, int>> expected = {
      {1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 3}};
  EXPECT_EQ(writes, expected);
}

// A writer left for the next pass by a full one keeps its patience: with an hour of linger, the
// next pass starts in time only because of it.
TEST(GroupCommit, AWriterLeftForTheNextPassKeepsItsPatience) {
  HeldSync sync;
  auto entered = sync.entered_first.get_future();
  asio::io_context io;
  auto keep = asio::make_work_guard(io);
  std::vector<std::optional<Result<Ok>>> out(4);
  GroupCommit commit([&] { return sync(); }, GroupCommitOptions{std::chrono::hours(1), 2});
  spawn_waiter(io, commit, out, 0);
  io.poll();
  entered.wait();  // pass 1 holds writer 0
  spawn_waiter(io, commit, out, 1);
  spawn_waiter(io, commit, out, 2);
  spawn_impatient(io, commit, out, 3, std::chrono::milliseconds(1));
  io.poll();
  sync.release_first.set_value();
  // Pass 2 is full with writers 1 and 2, and had company, so pass 3 would linger for an hour.
  run_until_done(io, out, {0, 1, 2, 3});
  ASSERT_TRUE(out[3].has_value()) << "the impatient writer waited for the linger";
  EXPECT_TRUE(*out[3]);
  EXPECT_EQ(commit.passes(), 3u);
}

TEST(GroupCommit, APassThatFailsFailsEveryWriterInIt) {
  HeldSync sync;
  sync.result = make_error(Errc::kUnavailable, "disk full");
  sync.release_first.set_value();
  asio::io_context io;
  std::vector<std::optional<Result<Ok>>> out(3);
  GroupCommit commit([&] { return sync(); });
  for (std::size_t i = 0; i < out.size(); ++i) spawn_waiter(io, commit, out, i);
  while (std::any_of(out.begin(), out.end(), [](const auto& r) { return !r.has_value(); })) {
    io.run_one();
  }
  for (const auto& r : out) {
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error().code, Errc::kUnavailable);
  }
}

// Like spawn_waiter, for a writer that hands its write over to the pass.
void spawn_writer(asio::io_context& io, GroupCommit& commit,
                  std::vector<std::optional<Result<Ok>>>& out, std::size_t i,
                  GroupCommit::Write write) {
  asio::co_spawn(
      io,
      [&commit, &out, i, write = std::move(write)]() mutable -> asio::awaitable<void> {
        out[i] = co_await commit.durable(std::chrono::microseconds::max(), std::move(write));
      },
      asio::detached);
}

TEST(GroupCommit, HandedOverWritesRunOnTheHelperBeforeTheirPassSyncs) {
  std::mutex mu;
  std::vector<std::string> events;  // "write N" and "sync", in the order they ran
  std::vector<std::thread::id> write_threads;
  auto log = [&](std::string event) {
    std::lock_guard lock(mu);
    events.push_back(std::move(event));
  };
  HeldSync sync;
  auto entered = sync.entered_first.get_future();
  asio::io_context io;
  std::vector<std::optional<Result<Ok>>> out(3);
  {
    GroupCommit commit([&] {
      log("sync");
      return sync();
    });
    auto writer = [&](int n) -> GroupCommit::Write {
      return [&, n] {
        {
          std::lock_guard lock(mu);
          write_threads.push_back(std::this_thread::get_id());
        }
        log("write " + std::to_string(n));
        return Result<Ok>(Ok{});
      };
    };
    spawn_writer(io, commit, out, 0, writer(0));
    io.poll();
    entered.wait();  // pass 1 (writer 0) is syncing, held
    spawn_writer(io, commit, out, 1, writer(1));
    spawn_writer(io, commit, out, 2, writer(2));
    io.poll();
    {
      std::lock_guard lock(mu);
      // Writers 1 and 2 have enqueued on this thread; their writes wait for pass 2.
      EXPECT_EQ(events, (std::vector<std::string>{"write 0", "sync"}));
    }
    sync.release_first.set_value();
    while (std::any_of(out.begin(), out.end(), [](const auto& r) { return !r.has_value(); })) {
      io.run_one();
    }
  }
  EXPECT_EQ(events, (std::vector<std::string>{"write 0", "sync", "write 1", "write 2", "sync"}));
  ASSERT_EQ(write_threads.size(), 3u);
  for (const auto& id : write_threads) EXPECT_NE(id, std::this_thread::get_id());
  for (const auto& r : out) EXPECT_TRUE(*r);
}

TEST(GroupCommit, AFailedWriteFailsItsWriterAloneAndAThrowingOneToo) {
  HeldSync sync;
  sync.release_first.set_value();
  asio::io_context io;
  std::vector<std::optional<Result<Ok>>> out(4);
  {
    GroupCommit commit([&] { return sync(); });
    spawn_writer(io, commit, out, 0, [] { return Result<Ok>(Ok{}); });
    spawn_writer(io, commit, out, 1,
                 [] { return Result<Ok>(make_error(Errc::kUnavailable, "no space")); });
    spawn_writer(io, commit, out, 2, []() -> Result<Ok> { throw std::runtime_error("boom"); });
    spawn_waiter(io, commit, out, 3);  // wrote by itself before enqueueing
    while (std::any_of(out.begin(), out.end(), [](const auto& r) { return !r.has_value(); })) {
      io.run_one();
    }
  }
  EXPECT_TRUE(*out[0]);
  ASSERT_FALSE(*out[1]);
  EXPECT_EQ(out[1]->error().code, Errc::kUnavailable);
  EXPECT_EQ(out[1]->error().message, "no space");
  ASSERT_FALSE(*out[2]);
  EXPECT_EQ(out[2]->error().code, Errc::kInternal);
  EXPECT_EQ(out[2]->error().message, "boom");
  EXPECT_TRUE(*out[3]);
}

// After pass 1 (one writer, held open) and pass 2 (two writers: busy), pass 3 lingers for an
// hour: only a writer's patience or a full batch of 64 can start it.
class GroupCommitAfterABusyPass : public ::testing::Test {
 protected:
  void SetUp() override {
    run_two_passes_the_second_busy(io, commit, sync, entered, out);
    ASSERT_EQ(commit.passes(), 2u);
  }

  HeldSync sync;
  std::future<void> entered = sync.entered_first.get_future();
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> keep = asio::make_work_guard(io);
  std::vector<std::optional<Result<Ok>>> out = std::vector<std::optional<Result<Ok>>>(5);
  // Last, so it is destroyed (its helper joined) before what its passes post to.
  GroupCommit commit{[this] { return sync(); },
                     GroupCommitOptions{std::chrono::hours(1), 64, std::chrono::milliseconds(1)}};
};

TEST_F(GroupCommitAfterABusyPass, AnImpatientWriterStartsTheLingeringPass) {
  spawn_waiter(io, commit, out, 3);
  io.poll();
  EXPECT_FALSE(out[3].has_value());
  spawn_impatient(io, commit, out, 4, std::chrono::milliseconds(1));
  run_until_done(io, out, {3, 4});
  ASSERT_TRUE(out[3].has_value()) << "the patient writer rides along with the impatient one";
  ASSERT_TRUE(out[4].has_value()) << "an hour's linger held the impatient writer";
  EXPECT_EQ(commit.passes(), 3u);
  EXPECT_TRUE(*out[3]);
  EXPECT_TRUE(*out[4]);
}

TEST_F(GroupCommitAfterABusyPass, TheLingeringPassDoesTheWritesHandedToItBeforeItStarts) {
  std::promise<void> wrote;
  auto written = wrote.get_future();
  spawn_writer(io, commit, out, 3, [&wrote] {
    wrote.set_value();
    return Result<Ok>(Ok{});
  });
  io.poll();
  ASSERT_EQ(written.wait_for(std::chrono::seconds(30)), std::future_status::ready)
      << "the write waited for the pass to start";
  EXPECT_EQ(commit.passes(), 2u);
  EXPECT_FALSE(out[3].has_value()) << "not durable before its pass's sync";
  spawn_impatient(io, commit, out, 4, std::chrono::milliseconds(1));
  run_until_done(io, out, {3, 4});
  ASSERT_TRUE(out[3].has_value());
  EXPECT_TRUE(*out[3]);
  EXPECT_EQ(commit.passes(), 3u);
}

}  // namespace
}  // namespace imagegen::worker
