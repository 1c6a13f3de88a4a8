#include "simulator/result_files.h"

#include "simulator/sim_ids.h"

namespace imagegen::sim {

std::string ResultFiles::add(std::uint32_t width, std::uint32_t height, FileKind kind,
                             Clock::time_point now) {
  std::string token = new_token();
  std::lock_guard lock(mutex_);
  entries_.expire(now);
  entries_.insert(token, Entry{{width, height, kind}, now}, now);
  return token;
}

FileState ResultFiles::find(std::string_view token, Clock::time_point now, ResultFile& out) {
  std::lock_guard lock(mutex_);
  entries_.expire(now);
  const Entry* entry = entries_.find(std::string(token));
  if (entry == nullptr) return FileState::kUnknown;
  if (entry->file.kind == FileKind::kExpired || now >= entry->made + ttl_)
    return FileState::kExpired;
  out = entry->file;
  return FileState::kServable;
}

}  // namespace imagegen::sim
