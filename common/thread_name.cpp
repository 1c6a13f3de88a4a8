#include "common/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace imagegen {

void set_thread_name(std::string_view name) {
  std::array<char, 16> buf{};  // 15 bytes and the terminator: the kernel's limit
  const std::size_t n = std::min(name.size(), buf.size() - 1);
  std::memcpy(buf.data(), name.data(), n);
  pthread_setname_np(pthread_self(), buf.data());
}

}  // namespace imagegen
