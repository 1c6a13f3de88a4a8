#include "simulator/result_files.h"

#include "simulator/sim_ids.h"

namespace imagegen::sim {

std::string ResultFiles::add(std::uint32_t width, std::uint32_t height, FileKind kind,
                             Clock::time_point now) {
  std::string token = new_token();
  std::lock_guard lock(mutex_);
  forget(now);
  entries_.emplace(token, Entry{{width, height, kind}, now});
  expiries_.push_back({token, now + 2 * ttl_});
  while (entries_.size() > max_tokens_ && !expiries_.empty()) {
    entries_.erase(expiries_.front().token);
    expiries_.pop_front();
  }
  return token;
}

FileState ResultFiles::find(std::string_view token, Clock::time_point now, ResultFile& out) {
  std::lock_guard lock(mutex_);
  forget(now);
  const auto it = entries_.find(std::string(token));
  if (it == entries_.end()) return FileState::kUnknown;
  if (it->second.file.kind == FileKind::kExpired || now >= it->second.made + ttl_)
    return FileState::kExpired;
  out = it->second.file;
  return FileState::kServable;
}

void ResultFiles::forget(Clock::time_point now) {
  while (!expiries_.empty() && expiries_.front().forget_at <= now) {
    entries_.erase(expiries_.front().token);
    expiries_.pop_front();
  }
}

}  // namespace imagegen::sim
