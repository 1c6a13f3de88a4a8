#pragma once
// A job's lifecycle: queued -> running -> succeeded | partial | failed | blocked | expired |
// cancelled. "blocked" (every image refused by content policy) is a failure the api answers
// with 422. The one function that decides a finished run's status lives here.
#include <string_view>

namespace imagegen::protocol {

inline constexpr std::string_view kQueued = "queued";
inline constexpr std::string_view kRunning = "running";
inline constexpr std::string_view kSucceeded = "succeeded";
inline constexpr std::string_view kPartial = "partial";
inline constexpr std::string_view kFailed = "failed";
inline constexpr std::string_view kBlocked = "blocked";
inline constexpr std::string_view kExpired = "expired";
inline constexpr std::string_view kCancelled = "cancelled";

inline bool is_final(std::string_view status) {
  return !status.empty() && status != kQueued && status != kRunning;
}

// all delivered -> succeeded, some -> partial, none because the provider refused every image
// -> blocked, none by the deadline -> expired, otherwise failed.
inline std::string_view final_status(int count, int delivered, int blocked, bool deadline_passed) {
  if (delivered >= count) return kSucceeded;
  if (delivered > 0) return kPartial;
  if (blocked >= count) return kBlocked;
  if (deadline_passed) return kExpired;
  return kFailed;
}

}  // namespace imagegen::protocol
