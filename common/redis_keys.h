#pragma once
// Every Redis key and channel the product uses, in one place. The Lua scripts get the same
// names from their prelude (lua::with_prelude writes them in as string constants), so no key
// name is written twice: a script builds a per-user or per-job key by appending the id to its
// prefix.
//
// Cluster note: the scripts derive user/job keys from prefixes and declare no KEYS, which is
// fine on one primary. Sharding (docs/scaling.md) puts {user} hash tags in these names and
// passes the keys each call touches as KEYS first.
#include <string>
#include <string_view>

namespace imagegen::keys {

inline constexpr std::string_view kJobsStream = "imagegen:jobs";
inline constexpr std::string_view kWorkersGroup = "workers";
inline constexpr std::string_view kLedgerStream = "imagegen:ledger";
inline constexpr std::string_view kDeadLetterStream = "imagegen:dlq";
inline constexpr std::string_view kUserPrefix = "imagegen:user:";
inline constexpr std::string_view kApiKeyPrefix = "imagegen:apikey:";
inline constexpr std::string_view kJobPrefix = "imagegen:job:";
// Per user, the set of SHA-256 hashes of their API keys.
inline constexpr std::string_view kUserKeysPrefix = "imagegen:userkeys:";
inline constexpr std::string_view kIdempotencyPrefix = "imagegen:idem:";
inline constexpr std::string_view kRatePrefix = "imagegen:rate:";
inline constexpr std::string_view kDonePrefix = "imagegen:done:";
// Operators' kill switch: models in this set are refused with 503 MODEL_UNAVAILABLE.
inline constexpr std::string_view kDisabledModels = "imagegen:models:disabled";
// Per provider family, a sorted set of worker names scored by the unix ms their advertisement
// expires; a family is served while some score is in the future.
inline constexpr std::string_view kServesPrefix = "imagegen:serves:";
// Every unfinished job scored by its deadline (unix ms): the sweeper expires the overdue ones,
// and its size is the queue depth (IMAGEGEN_MAX_QUEUE_DEPTH, the queue metrics).
inline constexpr std::string_view kDeadlines = "imagegen:deadlines";
// Webhook deliveries scored by when their next attempt is due (unix ms).
inline constexpr std::string_view kWebhooksDue = "imagegen:webhooks:due";
// Service-wide totals the scripts keep: `granted` (credits ever granted, for the metric of the
// same name). Reserved, captured and refunded are counted by the process that moved them.
inline constexpr std::string_view kStats = "imagegen:stats";
// Channel that tells workers a job was cancelled (payload: the job id).
inline constexpr std::string_view kCancelChannel = "imagegen:cancel";
// Channel on which a worker announces it withdrew its advertisements (payload: its name); the
// api then forgets which families it believed served (api/served_family_cache.h).
inline constexpr std::string_view kServesChanged = "imagegen:serves-changed";

inline std::string user(std::string_view id) { return std::string(kUserPrefix) += id; }
inline std::string api_key(std::string_view sha256_hex) {
  return std::string(kApiKeyPrefix) += sha256_hex;
}
inline std::string job(std::string_view id) { return std::string(kJobPrefix) += id; }
inline std::string done_channel(std::string_view instance) {
  return std::string(kDonePrefix) += instance;
}
inline std::string user_keys(std::string_view user_id) {
  return std::string(kUserKeysPrefix) += user_id;
}
inline std::string serves(std::string_view family) { return std::string(kServesPrefix) += family; }

}  // namespace imagegen::keys
