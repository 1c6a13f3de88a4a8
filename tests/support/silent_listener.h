#pragma once
// A TCP port that accepts connections (the kernel completes the handshake from the backlog) but
// never reads or answers: for testing what a client does when its server hangs.
#include <cstdint>

namespace imagegen::testing {

class SilentListener {
 public:
  // Listens on 127.0.0.1 at a free port. Throws std::runtime_error on failure.
  SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  ~SilentListener();

  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace imagegen::testing
