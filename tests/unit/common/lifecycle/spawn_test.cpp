#include "common/lifecycle/spawn.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace imagegen::lifecycle {
namespace {

namespace asio = boost::asio;

asio::awaitable<void> succeed(bool& ran) {
  ran = true;
  co_return;
}

asio::awaitable<void> fail() {
  throw std::runtime_error("boom");
  co_return;
}

TEST(Spawn, RunsTheTaskAndCountsOnlyFailures) {
  std::vector<std::string> hooked;
  set_failed_task_hook([&](const char* what) { hooked.emplace_back(what); });
  asio::io_context io;
  bool ran = false;
  const std::uint64_t before = failed_task_count();
  spawn(io, succeed(ran), "quiet task");
  spawn(io, fail(), "loud task");
  spawn(io.get_executor(), fail(), "second loud task");
  io.run();  // the escaping exceptions must not propagate out of run()
  EXPECT_TRUE(ran);
  EXPECT_EQ(failed_task_count() - before, 2u);
  EXPECT_EQ(hooked, (std::vector<std::string>{"loud task", "second loud task"}));
  set_failed_task_hook(nullptr);
}

TEST(Spawn, ReportTaskEndIgnoresSuccess) {
  const std::uint64_t before = failed_task_count();
  report_task_end(nullptr, "nothing");
  EXPECT_EQ(failed_task_count(), before);
  report_task_end(std::make_exception_ptr(42), "non-standard");
  EXPECT_EQ(failed_task_count(), before + 1);
}

}  // namespace
}  // namespace imagegen::lifecycle
