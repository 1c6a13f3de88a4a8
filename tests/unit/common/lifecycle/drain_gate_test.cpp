#include "common/lifecycle/drain_gate.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <optional>

namespace imagegen::lifecycle {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

TEST(DrainGate, AdmitsUntilClosedAndFiresOnceDrained) {
  DrainGate gate;
  int fired = 0;
  auto a = gate.enter();
  auto b = gate.enter();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(gate.in_flight(), 2u);
  gate.close([&] { ++fired; });
  EXPECT_TRUE(gate.closed());
  EXPECT_FALSE(gate.enter());  // no new work once closed
  EXPECT_EQ(fired, 0);
  a.release();
  EXPECT_EQ(fired, 0);
  { DrainGate::Ticket moved = std::move(b); }  // leaves when the moved-to ticket dies
  EXPECT_EQ(fired, 1);
  EXPECT_TRUE(gate.drained());
  EXPECT_EQ(gate.in_flight(), 0u);
}

TEST(DrainGate, ClosingAnIdleGateFiresAtOnceAndEveryWaiterRuns) {
  DrainGate gate;
  int first = 0, second = 0;
  gate.close([&] { ++first; });
  gate.close([&] { ++second; });
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

TEST(DrainGate, TicketsReleaseOnceOnly) {
  DrainGate gate;
  auto t = gate.enter();
  t.release();
  t.release();
  DrainGate::Ticket other = gate.enter();
  other = gate.enter();  // assigning over a live ticket releases it
  EXPECT_EQ(gate.in_flight(), 1u);
}

TEST(Drain, ReturnsTrueWhenTheLastTicketLeaves) {
  asio::io_context io;
  DrainGate gate;
  std::optional<DrainGate::Ticket> job(gate.enter());
  std::optional<bool> drained;
  asio::co_spawn(io, drain(gate, milliseconds(60'000)),
                 [&](std::exception_ptr, bool ok) { drained = ok; });
  asio::post(io, [&] { job.reset(); });  // the job finishes after the drain began
  io.run();
  ASSERT_TRUE(drained);
  EXPECT_TRUE(*drained);
}

TEST(Drain, ReturnsFalseWhenTimeRunsOut) {
  asio::io_context io;
  DrainGate gate;
  auto stuck = gate.enter();
  std::optional<bool> drained;
  asio::co_spawn(io, drain(gate, milliseconds(1)),
                 [&](std::exception_ptr, bool ok) { drained = ok; });
  io.run();
  ASSERT_TRUE(drained);
  EXPECT_FALSE(*drained);
  EXPECT_EQ(gate.in_flight(), 1u);
}

TEST(Drain, AnIdleGateDrainsAtOnce) {
  asio::io_context io;
  DrainGate gate;
  std::optional<bool> drained;
  asio::co_spawn(io, drain(gate, milliseconds(60'000)),
                 [&](std::exception_ptr, bool ok) { drained = ok; });
  io.run();
  ASSERT_TRUE(drained);
  EXPECT_TRUE(*drained);
}

}  // namespace
}  // namespace imagegen::lifecycle
