#include "worker/group_commit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
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
