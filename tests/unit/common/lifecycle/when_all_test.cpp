#include "common/lifecycle/when_all.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace imagegen::lifecycle {
namespace {

namespace asio = boost::asio;

// Finishes after `yields` trips through the executor, so later tasks can finish first.
asio::awaitable<std::string> after(int yields, std::string value, std::vector<std::string>& log) {
  for (int i = 0; i < yields; ++i) {
    asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(0));
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  log.push_back(value);
  if (value == "throw") throw std::runtime_error("task failed");
  co_return value;
}

template <typename T>
std::optional<Settled<T>> run(asio::awaitable<Settled<T>> work) {
  asio::io_context io;
  std::optional<Settled<T>> out;
  asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, Settled<T> r) {
    if (!e) out = std::move(r);
  });
  io.run();
  return out;
}

TEST(WhenAll, KeepsTheOrderOfTheTasksNotOfCompletion) {
  std::vector<std::string> log;
  std::vector<asio::awaitable<std::string>> tasks;
  tasks.push_back(after(3, "slow", log));
  tasks.push_back(after(0, "fast", log));
  tasks.push_back(after(1, "middle", log));
  auto r = run(when_all(std::move(tasks)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->values, (std::vector<std::string>{"slow", "fast", "middle"}));
  EXPECT_EQ(log, (std::vector<std::string>{"fast", "middle", "slow"}));  // they did overlap
  for (const auto& e : r->errors) EXPECT_FALSE(e);
}

TEST(WhenAll, AThrowingTaskDoesNotStopTheOthers) {
  std::vector<std::string> log;
  std::vector<asio::awaitable<std::string>> tasks;
  tasks.push_back(after(0, "throw", log));
  tasks.push_back(after(2, "ok", log));
  auto r = run(when_all(std::move(tasks)));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_TRUE(r->errors[0]);
  EXPECT_FALSE(r->errors[1]);
  EXPECT_EQ(r->values[1], "ok");
}

TEST(WhenAll, NoTasksCompletesEmpty) {
  auto r = run(when_all(std::vector<asio::awaitable<int>>{}));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->values.empty());
  EXPECT_TRUE(r->errors.empty());
}

}  // namespace
}  // namespace imagegen::lifecycle
