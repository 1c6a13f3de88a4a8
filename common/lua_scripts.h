#pragma once
// The Lua scripts that move credits. Credits move only here, atomically, and every movement
// is appended to the ledger stream (imagegen:ledger) inside the same script.
#include <string_view>

namespace imagegen::lua {

// ADMIT: authenticate, check tier, rate limit, queue depth and credits, hold the credits, write
// the job hash and the stream entry — one round trip.
// ARGV: mode ("key"|"user"), ident (sha256 of the API key | user id), required tier,
//       cost, now_ms, rate_limit_per_min (0 = off), max_queue_depth (0 = off), job_ttl_s,
//       idempotency key ("" = none), sha256 of the body, then field/value pairs of the job
//       (job_codec; "id" first, so the job id is ARGV[12]).
// Returns {"ok", uid, balance_after} | {"unauthorized"} | {"tier", uid} |
//         {"rate", uid, retry_after_s} | {"overloaded"} | {"insufficient", uid, balance} |
//         {"idem", uid, first_job_id} | {"idem_mismatch", uid}
// The idempotency record is written only when a job is admitted, in the same script: a retry
// can never be admitted twice (no check-then-set across round trips).
extern const std::string_view kAdmit;

// FINALIZE: the only way out of queued/running. Captures delivered × cost-per-image, refunds the
// rest of the hold, stores the result, publishes it to the waiting api instance, acks the stream
// entry. A second call changes nothing and returns the first outcome.
// ARGV: job_id, status, delivered, results_json, error, now_ms, stream_entry_id ("" = none),
//       job_ttl_s
// Returns {"ok"|"already", status, charged, balance, results_json, error} | {"missing"}
extern const std::string_view kFinalize;

// START: queued -> running (worker took it). ARGV: job_id, consumer, now_ms. Returns status.
extern const std::string_view kStart;

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
