#pragma once
// Waiting on conditions in tests: poll a predicate every few milliseconds until it holds or a
// deadline passes. Tests wait for what they need, never for a fixed time.
#include <chrono>
#include <cstdint>
#include <functional>

namespace imagegen::testing {

// True as soon as `condition()` holds (checked at once, then every 5 ms); false after
// `deadline` without it holding.
bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline);

// True once a TCP connect to 127.0.0.1:`port` succeeds within `deadline`.
bool wait_for_tcp_port(std::uint16_t port, std::chrono::milliseconds deadline);

// One TCP connect attempt to 127.0.0.1:`port`.
bool tcp_port_open(std::uint16_t port);

}  // namespace imagegen::testing
