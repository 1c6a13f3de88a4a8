#include "simulator/task_store.h"

#include <gtest/gtest.h>

#include "simulator/result_files.h"

namespace imagegen::sim {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

SimTask task_of(std::string family, std::string owner = "", Directives directives = {}) {
  SimTask task;
  task.family = std::move(family);
  task.owner = std::move(owner);
  task.directives = directives;
  return task;
}

TEST(SimTaskStore, FinishesAfterThePendingPollsAndMakesResultsOnce) {
  TaskStore store;
  const Clock::time_point t0{};
  const std::string id = store.submit(task_of("bfl"), t0);
  int made = 0;
  const auto make = [&made](const SimTask&) {
    ++made;
    return std::vector<std::string>{"token"};
  };
  EXPECT_FALSE(store.poll("bfl", id, 2, t0, make)->finished);
  EXPECT_FALSE(store.poll("bfl", id, 2, t0, make)->finished);
  const auto done = store.poll("bfl", id, 2, t0, make);
  EXPECT_TRUE(done->finished);
  EXPECT_EQ(done->polls, 3u);
  EXPECT_EQ(done->result_tokens, std::vector<std::string>{"token"});
  store.poll("bfl", id, 2, t0, make);
  EXPECT_EQ(made, 1);
}

TEST(SimTaskStore, AnotherFamilysIdAndExpiredIdsAreUnknown) {
  TaskStore store(std::chrono::seconds(10));
  const std::string id = store.submit(task_of("runway"), Clock::time_point{});
  EXPECT_FALSE(store.poll("kling", id, 0, Clock::time_point{}, {}));
  EXPECT_TRUE(store.poll("runway", id, 0, Clock::time_point{} + 9s, {}));
  EXPECT_FALSE(store.poll("runway", id, 0, Clock::time_point{} + 10s, {}));
  EXPECT_EQ(store.size(), 0u);
}

TEST(SimTaskStore, KeepsAtMostMaxTasksDroppingTheOldest) {
  TaskStore store(std::chrono::hours(1), 2);
  const std::string first = store.submit(task_of("bfl"), Clock::time_point{});
  store.submit(task_of("bfl"), Clock::time_point{});
  const std::string third = store.submit(task_of("bfl"), Clock::time_point{});
  EXPECT_EQ(store.size(), 2u);
  EXPECT_FALSE(store.poll("bfl", first, 0, Clock::time_point{}, {}));
  EXPECT_TRUE(store.poll("bfl", third, 0, Clock::time_point{}, {}));
}

TEST(SimTaskStore, InFlightCountsUnfinishedTasksOfTheOwner) {
  TaskStore store;
  const Clock::time_point t0{};
  const std::string done = store.submit(task_of("bfl", "k"), t0);
  store.submit(task_of("bfl", "k"), t0);
  Directives hang;
  hang.hang = true;
  store.submit(task_of("bfl", "k", hang), t0);
  store.submit(task_of("bfl", "other"), t0);
  EXPECT_EQ(store.in_flight("bfl", "k", t0), 3u);
  store.poll("bfl", done, 0, t0, {});
  EXPECT_EQ(store.in_flight("bfl", "k", t0), 2u);
  // A task nobody polls stops counting after a while; a hanging one does not.
  EXPECT_EQ(store.in_flight("bfl", "k", t0 + 61s), 1u);
  EXPECT_EQ(store.in_flight("runway", "k", t0), 0u);
}

TEST(SimResultFiles, ServableThenExpiredThenForgotten) {
  ResultFiles files(100ms);
  const Clock::time_point t0{};
  const std::string token = files.add(64, 32, FileKind::kPng, t0);
  ResultFile file;
  EXPECT_EQ(files.find(token, t0 + 99ms, file), FileState::kServable);
  EXPECT_EQ(file.width, 64u);
  EXPECT_EQ(file.height, 32u);
  EXPECT_EQ(files.find(token, t0 + 100ms, file), FileState::kExpired);
  EXPECT_EQ(files.find(token, t0 + 200ms, file), FileState::kUnknown);
  EXPECT_EQ(files.find(files.add(1, 1, FileKind::kExpired, t0), t0, file), FileState::kExpired);
}

}  // namespace
}  // namespace imagegen::sim
