#pragma once
// Picks the protocol family from the request path and applies the whole-run behaviour
// (`--latency-ms`, `--fault-rate`) around it. No I/O: the server hands it a request and sends
// back what it returns.
#include <simdjson.h>

#include <cstdint>
#include <vector>

#include "simulator/fault_injector.h"
#include "simulator/protocol_family.h"

namespace imagegen::sim {

struct RouterOptions {
  std::uint32_t latency_ms = 0;  // added to every answer
  double fault_rate = 0.0;       // share of family requests that answer 500
  std::uint64_t seed = 1;        // for the fault draws
};

// Every family the simulator speaks, in match order.
const std::vector<const ProtocolFamily*>& all_families();

class Router {
 public:
  Router(RouterOptions options, SimServices& services);

  // Thread-safe. `json` is the calling connection's parser.
  SimResponse dispatch(const SimRequest& request, simdjson::ondemand::parser& json);

 private:
  SimResponse route(const SimRequest& request, simdjson::ondemand::parser& json);

  RouterOptions options_;
  SimServices& services_;
  FaultInjector faults_;
};

}  // namespace imagegen::sim
