#pragma once
// Encoded images by size. Benchmarks ask for the same few sizes thousands of times a second, so
// each (width, height, variant) is encoded and base64-encoded once and then shared read-only.
// Thread-safe; bounded (when full, the whole map is dropped: sizes are few, so this is rare).
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

namespace imagegen::sim {

struct EncodedImage {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::string bytes;   // the file
  std::string base64;  // the file as standard base64 with padding, no line breaks
};

class ImageCache {
 public:
  explicit ImageCache(std::size_t max_entries = 64) : max_entries_(max_entries) {}

  std::shared_ptr<const EncodedImage> png(std::uint32_t width, std::uint32_t height,
                                          std::uint8_t variant = 0);

  // The same bytes every time: not a PNG, JPEG, WebP or GIF, yet plausible as a payload.
  static std::shared_ptr<const EncodedImage> garbage();

  std::size_t size() const;

 private:
  using Key = std::tuple<std::uint32_t, std::uint32_t, std::uint8_t>;
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::map<Key, std::shared_ptr<const EncodedImage>> entries_;
};

}  // namespace imagegen::sim
