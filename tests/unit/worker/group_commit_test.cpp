#include "worker/group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <future>
#include <optional>
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

void spawn_waiter(asio::io_context& io, GroupCommit& commit,
                  std::vector<std::optional<Result<Ok>>>& out, std::size_t i) {
  asio::co_spawn(
      io, [&commit, &out, i]() -> asio::awaitable<void> { out[i] = co_await commit.durable(); },
      asio::detached);
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

TEST(GroupCommit, UnderLoadAPassWaitsForAFullBatch) {
  HeldSync sync;
  auto entered = sync.entered_first.get_future();
  asio::io_context io;
  auto keep = asio::make_work_guard(io);  // run_one waits, not returns, between writers
  std::vector<std::optional<Result<Ok>>> out(6);
  // A linger far longer than the test: only a full batch can start the pass after a busy one.
  GroupCommit commit([&] { return sync(); }, GroupCommitOptions{std::chrono::hours(1), 3});
  spawn_waiter(io, commit, out, 0);
  io.poll();
  entered.wait();
  spawn_waiter(io, commit, out, 1);
  spawn_waiter(io, commit, out, 2);
  io.poll();
  sync.release_first.set_value();
  while (!out[1] || !out[2]) io.run_one();  // pass 2: the two writers that came during pass 1
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

}  // namespace
}  // namespace imagegen::worker
