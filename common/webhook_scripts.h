#pragma once
// The Lua scripts of webhook delivery and of the per-user signing secret. Same prelude as
// common/lua_scripts (lua::with_prelude: key names as Lua constants, no KEYS).
//
// A delivery's schedule lives in the ZSET K_HOOKS (member job id, score = unix ms the next
// attempt is due); SETTLE puts a job there when it has a webhook. Workers take due members with
// CLAIM, which in the same script pushes each one's score to now + lease: the claim is exclusive
// (no other worker sees it due until the lease runs out) and durable (a worker that dies after
// claiming loses nothing: the member comes due again when the lease ends).
#include <string_view>

namespace imagegen::lua {

// WEBHOOK_SECRET: the user's secret, made on first use. ARGV: user_id, candidate secret (used
// only when the user has none yet). Returns the secret, or nil when there is no such user.
extern const std::string_view kWebhookSecret;

// WEBHOOK_CLAIM: ARGV: now_ms, lease_ms, max n, then n candidate secrets (one per claimable
// slot, for users who never asked for theirs). Claims up to n deliveries due at now_ms: score
// -> now + lease, hook_attempts + 1. Members whose job is gone or whose delivery is no longer
// pending are dropped from the set. Returns a list of {job_id, attempt, secret, {job hash as
// field, value, ...}}.
extern const std::string_view kWebhookClaim;

// WEBHOOK_RECORD: ARGV: job_id, attempt, outcome (delivered | retry | failed), http status
// ("0" = none), next_ms (retry: when the next attempt is due), error text, now_ms.
// "delivered" is taken from any attempt of a pending delivery; retry/failed only from the
// current attempt (a worker whose lease ran out must not move a newer claim's schedule).
// Returns "ok" | "stale".
extern const std::string_view kWebhookRecord;

}  // namespace imagegen::lua
