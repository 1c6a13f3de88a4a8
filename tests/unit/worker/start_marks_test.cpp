#include "worker/start_marks.h"

#include <gtest/gtest.h>

namespace imagegen::worker {
namespace {

TEST(StartMarks, ArgvIsTheConsumerThenJobAndTakenTimePairs) {
  const std::vector<TakenJob> jobs = {{"j1", 1000}, {"j2", 2000}};
  EXPECT_EQ(start_many_argv("w-1", jobs),
            (std::vector<std::string>{"w-1", "j1", "1000", "j2", "2000"}));
  EXPECT_EQ(start_many_argv("w-1", {}), (std::vector<std::string>{"w-1"}));
}

}  // namespace
}  // namespace imagegen::worker
