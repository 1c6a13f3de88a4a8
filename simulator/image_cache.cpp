#include "simulator/image_cache.h"

#include "common/base64.h"
#include "simulator/png_encoder.h"

namespace imagegen::sim {

std::shared_ptr<const EncodedImage> ImageCache::png(std::uint32_t width, std::uint32_t height,
                                                    std::uint8_t variant) {
  const Key key{width, height, variant};
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) return it->second;
  }
  // Encode outside the lock: a first 4K image takes tens of milliseconds and must not stall
  // other threads asking for sizes that are already cached. Two threads may race to encode the
  // same size; both results are identical, so either one may win.
  auto image = std::make_shared<EncodedImage>();
  image->width = width;
  image->height = height;
  image->bytes = encode_gradient_png(width, height, variant);
  image->base64 = base64_encode(image->bytes);

  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) entries_.clear();
  return entries_.try_emplace(key, std::move(image)).first->second;
}

std::shared_ptr<const EncodedImage> ImageCache::garbage() {
  static const std::shared_ptr<const EncodedImage> kGarbage = [] {
    auto image = std::make_shared<EncodedImage>();
    // A fixed text prefix rules out every image magic number; xorshift noise after it looks
    // like a payload and does not compress into anything meaningful.
    image->bytes = "SIMGARBAGE: these bytes are deliberately not an image.\n";
    std::uint32_t state = 0x9e3779b9u;
    while (image->bytes.size() < 4096) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      image->bytes.push_back(static_cast<char>(state & 0xff));
    }
    image->base64 = base64_encode(image->bytes);
    return image;
  }();
  return kGarbage;
}

std::size_t ImageCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace imagegen::sim
