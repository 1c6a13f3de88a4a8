#pragma once
// What the api knows about which provider families a live worker serves, so that ADMIT need
// not count the advertisements (`ZCOUNT imagegen:serves:{family}`) on every request.
//
// Only "served" is cached, never "not served": a family the cache does not vouch for is checked
// by the script as before, so a worker that has just started is never refused. An entry
// vouches until the earliest of: the advertisement it saw expires, `max_age` after it was read,
// or clear(), which the api calls when a worker announces that it withdrew
// (keys::kServesChanged) and when its subscription was down (an announcement may be lost).
// Pure: the caller feeds it readings and the time. One per api thread; no locking.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace imagegen::api {

class ServedFamilyCache {
 public:
  explicit ServedFamilyCache(std::chrono::milliseconds max_age = std::chrono::milliseconds(2000))
      : max_age_ms_(max_age.count()) {}

  // A reading taken at `read_ms`: the latest advertisement expiry of `family`, or 0 if none
  // was live.
  void record(std::string_view family, std::int64_t served_until_ms, std::int64_t read_ms);
  // True only if a live worker served `family` at `now_ms` according to a fresh reading.
  bool vouches_for(std::string_view family, std::int64_t now_ms) const;
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    std::int64_t served_until_ms = 0;
    std::int64_t read_ms = 0;
  };
  std::int64_t max_age_ms_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace imagegen::api
