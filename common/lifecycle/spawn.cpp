#include "common/lifecycle/spawn.h"

#include <spdlog/spdlog.h>

#include <atomic>

namespace imagegen::lifecycle {
namespace {

std::atomic<std::uint64_t> g_failed{0};

std::function<void(const char*)>& hook() {
  static std::function<void(const char*)> h;
  return h;
}

}  // namespace

void report_task_end(std::exception_ptr e, const char* what) {
  if (!e) return;
  g_failed.fetch_add(1, std::memory_order_relaxed);
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("{} failed with an exception: {}", what, ex.what());
  } catch (...) {
    spdlog::error("{} failed with a non-standard exception", what);
  }
  if (hook()) hook()(what);
}

std::uint64_t failed_task_count() { return g_failed.load(std::memory_order_relaxed); }

void set_failed_task_hook(std::function<void(const char* what)> h) { hook() = std::move(h); }

}  // namespace imagegen::lifecycle
