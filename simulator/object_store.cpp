#include "simulator/object_store.h"

#include "simulator/sim_ids.h"

namespace imagegen::sim {

PutOutcome ObjectStore::put(const std::string& key, std::string bytes, std::string content_type,
                            bool upsert, std::string& id) {
  if (bytes.size() > max_bytes_) return PutOutcome::kTooLarge;
  auto object = std::make_shared<StoredObject>(
      StoredObject{std::move(bytes), std::move(content_type), new_uuid()});
  std::lock_guard lock(mutex_);
  if (const auto it = objects_.find(key); it != objects_.end()) {
    if (!upsert) return PutOutcome::kDuplicate;
    total_bytes_ -= it->second.object->bytes.size();
    recency_.erase(it->second.recency);
    objects_.erase(it);
  }
  total_bytes_ += object->bytes.size();
  id = object->id;
  recency_.push_front(key);
  objects_.emplace(key, Entry{std::move(object), recency_.begin()});
  while (total_bytes_ > max_bytes_ && !recency_.empty()) {
    const auto victim = objects_.find(recency_.back());
    total_bytes_ -= victim->second.object->bytes.size();
    objects_.erase(victim);
    recency_.pop_back();
  }
  return PutOutcome::kStored;
}

std::shared_ptr<const StoredObject> ObjectStore::get(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  recency_.splice(recency_.begin(), recency_, it->second.recency);
  return it->second.object;
}

bool ObjectStore::first_attempt(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (attempted_.size() >= 100'000) attempted_.clear();
  return attempted_.insert(key).second;
}

std::size_t ObjectStore::total_bytes() const {
  std::lock_guard lock(mutex_);
  return total_bytes_;
}

std::size_t ObjectStore::count() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

}  // namespace imagegen::sim
