#pragma once
// Every Redis key and channel the product uses, in one place. The Lua scripts build the same
// names from these prefixes (passed in as ARGV where a script needs them).
//
// Cluster note: the scripts derive user/job keys from their arguments, which is fine on one
// primary. Sharding (docs/scaling.md) puts {user} hash tags in these names first.
#include <string>
#include <string_view>

namespace imagegen::keys {

inline constexpr std::string_view kJobsStream = "imagegen:jobs";
inline constexpr std::string_view kWorkersGroup = "workers";
inline constexpr std::string_view kLedgerStream = "imagegen:ledger";
inline constexpr std::string_view kInflight = "imagegen:inflight";
inline constexpr std::string_view kDeadLetterStream = "imagegen:dlq";

inline std::string user(std::string_view id) { return "imagegen:user:" + std::string(id); }
inline std::string api_key(std::string_view sha256_hex) {
  return "imagegen:apikey:" + std::string(sha256_hex);
}
inline std::string job(std::string_view id) { return "imagegen:job:" + std::string(id); }
inline std::string done_channel(std::string_view instance) {
  return "imagegen:done:" + std::string(instance);
}

}  // namespace imagegen::keys
