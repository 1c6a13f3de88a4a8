#include "common/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <array>
#include <string>
#include <thread>

namespace imagegen {
namespace {

std::string current_name() {
  std::array<char, 16> buf{};
  pthread_getname_np(pthread_self(), buf.data(), buf.size());
  return buf.data();
}

TEST(ThreadName, NamesTheCallingThreadAndCutsAtFifteenBytes) {
  std::string short_name, long_name;
  std::thread([&] {
    set_thread_name("storage-sync");
    short_name = current_name();
    set_thread_name("a-name-longer-than-fifteen-bytes");
    long_name = current_name();
  }).join();
  EXPECT_EQ(short_name, "storage-sync");
  EXPECT_EQ(long_name, "a-name-longer-t");
}

}  // namespace
}  // namespace imagegen
