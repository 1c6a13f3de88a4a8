#include "api/served_family_cache.h"

namespace imagegen::api {

void ServedFamilyCache::record(std::string_view family, std::int64_t served_until_ms,
                               std::int64_t read_ms) {
  auto it = entries_.find(family);
  if (it == entries_.end()) it = entries_.emplace(std::string(family), Entry{}).first;
  it->second = Entry{served_until_ms, read_ms};
}

bool ServedFamilyCache::vouches_for(std::string_view family, std::int64_t now_ms) const {
  auto it = entries_.find(family);
  if (it == entries_.end()) return false;
  const Entry& e = it->second;
  return now_ms < e.served_until_ms && now_ms < e.read_ms + max_age_ms_ && now_ms >= e.read_ms;
}

}  // namespace imagegen::api
