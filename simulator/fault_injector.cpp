#include "simulator/fault_injector.h"

#include "simulator/sim_ids.h"

namespace imagegen::sim {

bool FaultInjector::should_fail() {
  if (rate_ <= 0.0) return false;
  if (rate_ >= 1.0) return true;
  const std::uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed);
  const double draw = static_cast<double>(mix64(seed_ ^ mix64(n)) >> 11) * 0x1.0p-53;  // [0, 1)
  return draw < rate_;
}

}  // namespace imagegen::sim
