#include "tests/support/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

namespace imagegen::testing {
namespace {

// Binds 127.0.0.1:`port` (0: any) and closes; the port bound, or 0 if the bind failed.
std::uint16_t try_bind(std::uint16_t port, int& error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  socklen_t len = sizeof(addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  error = errno;
  ::close(fd);
  return ok ? ntohs(addr.sin_port) : 0;
}

// The first port the kernel hands to outgoing connections (32768 unless configured otherwise).
int ephemeral_low() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  range >> low;
  return low;
}

}  // namespace

std::uint16_t free_port() {
  // Not from the ephemeral range: a port bound there and released can be given to another
  // test's outgoing connection before our server binds it, and a client socket on the port
  // makes the server's bind fail even with SO_REUSEADDR (seen with the 5,000-connection test
  // running alongside). Random below it, never the same one twice in this process.
  static std::mutex mu;
  static std::set<std::uint16_t> given;
  static std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  constexpr int kLowest = 10000;
  const int high = ephemeral_low() - 1;
  int error = 0;
  if (high > kLowest + 1000) {
    std::lock_guard lock(mu);
    std::uniform_int_distribution<int> pick(kLowest, high);
    for (int attempt = 0; attempt < 200; ++attempt) {
      const auto port = static_cast<std::uint16_t>(pick(rng));
      if (given.contains(port)) continue;
      if (try_bind(port, error) != 0) {
        given.insert(port);
        return port;
      }
    }
  }
  const std::uint16_t any = try_bind(0, error);  // a machine with an unusual port range
  if (any == 0) throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(error));
  return any;
}

}  // namespace imagegen::testing
