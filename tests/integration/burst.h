#pragma once
// Bursts of requests against the whole stack: every request in flight at once, one connection
// each, with the client-side timing to prove they overlapped. Shared by the concurrency tests.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/integration/stack.h"

namespace imagegen::testing {

struct BurstRequest {
  std::string api_key;
  std::string body;
};

struct BurstOutcome {
  long status = 0;  // 0 = transport failure (error says why)
  std::string body;
  std::string error;
  std::chrono::steady_clock::time_point sent;      // request bytes about to go out (after connect)
  std::chrono::steady_clock::time_point answered;  // whole response received
};

// Sends every request at once, one connection each, over one curl multi handle, and returns
// when all have answered (or failed). Nothing is throttled on the client side: the api sees
// `requests.size()` connections and requests in flight together.
std::vector<BurstOutcome> post_all_at_once(const std::string& url,
                                           const std::vector<BurstRequest>& requests);

// The most requests that were on the wire at the same moment (sent, not yet answered).
std::size_t max_in_flight(const std::vector<BurstOutcome>& outcomes);

// "200: n  402: m  " and the first transport error, for failure messages.
std::string statuses(const std::vector<BurstOutcome>& outcomes);

// A stack for a burst: the descriptor limit raised for a thousand connections, every admitted
// job running at once and a generous wait timeout.
StackOptions busy_stack();

// One value of a Prometheus text exposition ("name value" on its own line); -1 when absent.
double scrape(std::uint16_t port, const std::string& name);

}  // namespace imagegen::testing
