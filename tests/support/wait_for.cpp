#include "tests/support/wait_for.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace imagegen::testing {

bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline) {
  constexpr auto kPollInterval = std::chrono::milliseconds(5);
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(kPollInterval);  // the polling interval, not a stand-in
  }
}

bool tcp_port_open(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return open;
}

bool wait_for_tcp_port(std::uint16_t port, std::chrono::milliseconds deadline) {
  return wait_for([port] { return tcp_port_open(port); }, deadline);
}

}  // namespace imagegen::testing
