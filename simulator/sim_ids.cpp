#include "simulator/sim_ids.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <random>

namespace imagegen::sim {

std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
namespace {

// Two distinct 64-bit values per call: a counter from a random start, mixed.
std::pair<std::uint64_t, std::uint64_t> next_pair() {
  static const std::uint64_t start =
      (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  static std::atomic<std::uint64_t> counter{0};
  const std::uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  return {mix64(start + 2 * n), mix64(start + 2 * n + 1)};
}

}  // namespace

std::string new_uuid() {
  auto [a, b] = next_pair();
  char text[40];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>((b >> 48) & 0xfff),
                static_cast<unsigned long long>(b & 0xffffffffffffull));
  return text;
}

std::string new_token() {
  auto [a, b] = next_pair();
  char text[40];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(a),
                static_cast<unsigned long long>(b));
  return text;
}

}  // namespace imagegen::sim
