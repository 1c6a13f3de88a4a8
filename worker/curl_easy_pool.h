#pragma once
// Internal to HttpClient: easy handles kept for the next transfer. curl_easy_init allocates and
// zeroes a handle of several KB and curl_easy_cleanup frees it with its buffers; a handle reset
// with curl_easy_reset keeps that memory and only forgets its options (curl's own advice for
// performance: reuse easy handles). Thread-safe: a transfer may be set up on a caller's thread
// and finished on the client's.
#include <curl/curl.h>

#include <cstddef>
#include <mutex>
#include <vector>

namespace imagegen::worker::detail {

class EasyPool {
 public:
  // At most `max_idle` handles wait here; more are cleaned up when released, so a burst of
  // transfers does not keep its handles' memory afterwards.
  explicit EasyPool(std::size_t max_idle);
  ~EasyPool();  // cleans up the idle handles
  EasyPool(const EasyPool&) = delete;
  EasyPool& operator=(const EasyPool&) = delete;

  // A handle with every option at its default: a kept one, or a new one. Throws if curl cannot
  // allocate one.
  CURL* acquire();
  // Takes back a handle no multi holds any more; resets it, or cleans it up past max_idle.
  void release(CURL* easy);

  std::size_t idle() const;

 private:
  mutable std::mutex mu_;
  std::vector<CURL*> idle_;
  std::size_t max_idle_;
};

}  // namespace imagegen::worker::detail
