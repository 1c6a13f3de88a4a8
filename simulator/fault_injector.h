#pragma once
// `--fault-rate F`: decides which requests answer 500 regardless of their prompt.
// The n-th decision depends only on (seed, n), so a run with the same seed and the same request
// order fails the same requests. Lock-free: one atomic counter shared by every server thread.
#include <atomic>
#include <cstdint>

namespace imagegen::sim {

class FaultInjector {
 public:
  FaultInjector(double rate, std::uint64_t seed) : rate_(rate), seed_(seed) {}

  bool should_fail();

 private:
  double rate_;
  std::uint64_t seed_;
  std::atomic<std::uint64_t> counter_{0};
};

}  // namespace imagegen::sim
