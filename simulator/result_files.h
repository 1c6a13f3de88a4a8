#pragma once
// Images the URL-delivering families point at (`GET /files/<token>.png`): a token maps to the
// size and kind of picture, the bytes come from the ImageCache when it is fetched. Like the signed
// blob URLs of BFL, xAI, BytePlus and DashScope, a token stops working `ttl` after it was made:
// it then answers 403 until 2 x ttl, and after that it is forgotten (404).
//
// Bounded (FIFO expiry, at most `max_tokens`, oldest forgotten first). Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "simulator/expiring_map.h"

namespace imagegen::sim {

enum class FileKind {
  kPng,      // a real PNG of the size
  kGarbage,  // `[sim:garbage]`: bytes that are not an image
  kExpired,  // `[sim:expired]`: answers 403 from the start
};

struct ResultFile {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  FileKind kind = FileKind::kPng;
};

enum class FileState { kServable, kExpired, kUnknown };

class ResultFiles {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ResultFiles(std::chrono::milliseconds ttl = std::chrono::minutes(10),
                       std::size_t max_tokens = 1'000'000)
      : ttl_(ttl), entries_(2 * ttl, max_tokens) {}

  // A new token for a picture of `width` x `height`.
  std::string add(std::uint32_t width, std::uint32_t height, FileKind kind, Clock::time_point now);

  // What `token` names at `now`; `out` is filled when it is servable.
  FileState find(std::string_view token, Clock::time_point now, ResultFile& out);

  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  struct Entry {
    ResultFile file;
    Clock::time_point made;
  };

  std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  ExpiringMap<std::string, Entry> entries_;  // forgotten 2 x ttl after they were made
};

}  // namespace imagegen::sim
