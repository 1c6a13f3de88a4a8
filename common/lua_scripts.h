#pragma once
// The Lua scripts that move credits. Credits move only here, atomically, and every movement
// is appended to the ledger stream inside the same script.
//
// Every script starts with the same prelude (with_prelude), which defines every key name and
// prefix (common/redis_keys.h) as a Lua constant, so no key name is written in Lua and no call
// passes KEYS. The typed
// arguments and replies of ADMIT and SETTLE live in common/protocol/; the comments here say what
// each script does and why.
#include <string>
#include <string_view>

namespace imagegen::lua {

// The source Redis runs: the KEYS prelude followed by `body`.
std::string with_prelude(std::string_view body);

// ADMIT: authenticate, check tier, availability, rate limit, queue depth and credits, hold the
// credits, write the job hash, the deadline and the stream entry — one round trip. The
// idempotency record is written only when a job is admitted, in the same script: a retry can
// never be admitted twice (no check-then-set across round trips). See protocol/admission.h.
extern const std::string_view kAdmit;

// SETTLE: the only way out of queued/running, used by the worker (its result), the api (expiry
// of a synchronous wait), the cancel route and the deadline sweeper. Captures delivered ×
// cost-per-image, refunds the rest of the hold, stores the result, schedules the webhook,
// publishes the completion message (whose only encoder is this script) to the waiting api
// instance, acks the stream entry. A second call changes nothing and returns the first outcome.
// See protocol/settlement.h.
extern const std::string_view kSettle;

// CREATE_USER: ARGV user_id, tier, credits, now_ms, api_key_sha256 ("" = none). Returns 1, or
// 0 when the id exists.
extern const std::string_view kCreateUser;

// GRANT: ARGV user_id, credits, now_ms. Returns the new balance, or an error reply if no user.
extern const std::string_view kGrant;

// REQUEUE: a dead-lettered job goes back to the stream as a new attempt: its cost is held again
// (refused when the balance is short), status queued, a fresh deadline, the DLQ entry removed.
// ARGV: dlq_entry_id, now_ms, deadline_ms. Returns {"ok", job_id} | {"missing"} |
//       {"insufficient", balance} | {"not_final", status}
extern const std::string_view kRequeue;

}  // namespace imagegen::lua
