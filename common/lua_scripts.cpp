#include "common/lua_scripts.h"

#include "common/job_codec.h"
#include "common/redis_keys.h"

namespace imagegen::lua {

namespace {

// The Lua name of each key or prefix the scripts use, and its value.
struct PreludeName {
  std::string_view lua;
  std::string_view key;
};
constexpr PreludeName kPreludeNames[] = {
    {"K_JOBS", keys::kJobsStream},
    {"K_LEDGER", keys::kLedgerStream},
    {"P_USER", keys::kUserPrefix},
    {"P_APIKEY", keys::kApiKeyPrefix},
    {"P_JOB", keys::kJobPrefix},
    {"P_IDEM", keys::kIdempotencyPrefix},
    {"P_RATE", keys::kRatePrefix},
    {"P_DONE", keys::kDonePrefix},
    {"K_DISABLED", keys::kDisabledModels},
    {"P_SERVES", keys::kServesPrefix},
    {"K_DEADLINES", keys::kDeadlines},
    {"K_HOOKS", keys::kWebhooksDue},
    {"K_STATS", keys::kStats},
    {"K_CANCEL", keys::kCancelChannel},
    {"K_DLQ", keys::kDeadLetterStream},
    {"P_USERKEYS", keys::kUserKeysPrefix},
    {"GROUP", keys::kWorkersGroup},
};

}  // namespace

std::string with_prelude(std::string_view body) {
  // The names are constants in the script's text, not KEYS: Redis copies every argument of a
  // call into a Lua string, ~0.1 µs each, and sixteen names passed on every call were ~2 µs of
  // Redis's time per call (docs/bench.md, eleventh round). Key names never hold a quote or a
  // backslash, so they go in between single quotes as they are.
  std::string s;
  for (const auto& n : kPreludeNames) {
    s.append("local ").append(n.lua).append(" = '").append(n.key).append("'\n");
  }
  // Credits are integers; a Lua number prints as 1e+15 past 14 digits, so every amount written
  // back to Redis goes through this.
  s += "local function int(n) return string.format('%d', n) end\n";
  if (body.find("JOB_FIELDS") != std::string_view::npos) {
    // The job spec's field names (common/job_codec.h), for REQUEUE, which writes a dead-letter
    // entry's fields back; only the scripts that name the table build it.
    s += "local JOB_FIELDS = {";
    for (const auto name : kJobFieldNames) s.append("'").append(name).append("', ");
    s += "}\n";
  }
  s += body;
  return s;
}

// ARGV (protocol/admission.cpp builds it): 1 mode, 2 ident, 3 required tier, 4 cost, 5 now_ms,
// 6 rate limit/min, 7 max queue depth, 8 the job record's expiry in s (protocol::record_expiry_s),
// 9 idempotency key, 10 body hash, 11 model, 12 family, 13 check availability ("1"/"0"), 14 job
// deadline ms, 15 job id, 16 credits per image, 17 reply channel, 18 webhook URL ("" = none),
// 19 the job spec as one JSON value (job_codec.h: encode_job_spec).
static_assert(kJobSpecField == "spec", "ADMIT writes the spec under this name");
const std::string_view kAdmit = R"lua(
-- A number is parsed (strtod, ~0.2 µs for a 13-digit time) only where arithmetic needs it;
-- the off switches are compared as strings and times go back to Redis as sent.
local mode, ident, need_tier = ARGV[1], ARGV[2], ARGV[3]
local cost, now_s, rate_limit, max_depth = tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local idem_key, body_hash, model, family = ARGV[9], ARGV[10], ARGV[11], ARGV[12]
local check_available = ARGV[13]
local uid
if mode == 'key' then
  local k = redis.call('HMGET', P_APIKEY .. ident, 'user', 'revoked')
  if not k[1] or k[2] == '1' then return {'unauthorized'} end
  uid = k[1]
else
  uid = ident
end
local ukey = P_USER .. uid
local u = redis.call('HMGET', ukey, 'tier', 'balance', 'held')
if not u[1] then return {'unauthorized'} end
local ikey
if idem_key ~= '' then
  -- The same key from the same user: the first request's job, never a second charge.
  ikey = P_IDEM .. uid .. ':' .. idem_key
  local prev = redis.call('HMGET', ikey, 'job', 'hash')
  if prev[1] then
    if prev[2] ~= body_hash then return {'idem_mismatch', uid} end
    return {'idem', uid, prev[1]}
  end
end
if need_tier == 'pro' and u[1] ~= 'pro' then return {'tier', uid} end
if redis.call('SISMEMBER', K_DISABLED, model) == 1 then return {'unavailable', uid, 'disabled'} end
if check_available == '1' and redis.call('ZCOUNT', P_SERVES .. family, '(' .. now_s, '+inf') == 0 then
  return {'unavailable', uid, 'no_worker'}
end
if rate_limit ~= '0' then
  local now, limit = tonumber(now_s), tonumber(rate_limit)
  local window = math.floor(now / 60000)
  local rkey = P_RATE .. uid .. ':' .. window
  local n = redis.call('INCR', rkey)
  if n == 1 then redis.call('PEXPIRE', rkey, 120000) end
  if n > limit then
    return {'rate', uid, tostring(math.ceil(((window + 1) * 60000 - now) / 1000))}
  end
end
if max_depth ~= '0' then
  -- Every unfinished job has exactly one deadline entry: their number is the queue depth.
  if redis.call('ZCARD', K_DEADLINES) >= tonumber(max_depth) then return {'overloaded', uid} end
end
local balance = tonumber(u[2])
if balance < cost then return {'insufficient', uid, int(balance)} end
-- The job id is 96 random bits from the api: no existence check.
local jid = ARGV[15]
local jkey = P_JOB .. jid
-- Amounts and times go back to Redis as the api's own strings where they are unchanged: Lua
-- formats every number it hands to redis.call with sprintf.
local cost_s, left = ARGV[4], int(balance - cost)
redis.call('HSET', ukey, 'balance', left, 'held', int((tonumber(u[3]) or 0) + cost))
-- The spec is one value (job_codec.h: encode_job_spec); SETTLE reads cpi, reply and hook as
-- fields of their own. An empty hook is not written (one pair less for every scan); a job with
-- a webhook, the rare one, pays a second call for it.
local spec = ARGV[19]
redis.call('HSET', jkey, 'user', uid, 'status', 'queued', 'held', cost_s, 'cpi', ARGV[16],
           'reply', ARGV[17], 'spec', spec)
if ARGV[18] ~= '' then redis.call('HSET', jkey, 'hook', ARGV[18]) end
-- Set once, here: every job is settled by its deadline at the latest (the sweeper), and stays
-- readable for the TTL after that. SETTLE does not touch the expiry.
redis.call('EXPIRE', jkey, ARGV[8])
redis.call('XADD', K_JOBS, '*', 'user', uid, 'spec', spec)
redis.call('ZADD', K_DEADLINES, ARGV[14], jid)
redis.call('XADD', K_LEDGER, '*', 't', 'hold', 'u', uid, 'j', jid, 'n', cost_s, 'ts', now_s)
if ikey then redis.call('HSET', ikey, 'job', jid, 'hash', body_hash); redis.call('PEXPIRE', ikey, 86400000) end
return {'ok', uid, left}
)lua";

// ARGV (protocol/settlement.cpp builds it): one or more jobs, 8 values each: job id, status,
// delivered, results json, error, now_ms, stream entry id ("" = none), owner ("" = anyone; the
// cancel route passes the caller so another user's job looks missing). No expiry: ADMIT set it. A
// worker settles every job of one group-commit pass in one call. Returns two values per job, in
// order: "ok" | "already" | "missing", and the completion message (protocol/completion.h; for
// "already" built from what the first settlement stored;
// "" for "missing").
const std::string_view kSettle = R"lua(
local out, acks, done_ids = {}, {}, {}
local function message(jid, st, charged, bal, e, res)
  return jid .. '\n' .. st .. '\n' .. charged .. '\n' .. bal .. '\n' .. e .. '\n' .. res
end
-- A user's balance, held and captured, read once per call and written back once at its end:
-- a batch is often one client's burst, and two commands per job become two per user. Each job
-- still sees (and reports) the balance as it stands after the jobs before it in the batch.
local users, changed = {}, {}
local function account(uid)
  local a = users[uid]
  if not a then
    local u = redis.call('HMGET', P_USER .. uid, 'balance', 'held', 'captured')
    a = {tonumber(u[1]) or 0, tonumber(u[2]) or 0, tonumber(u[3]) or 0, uid = uid}
    users[uid] = a
  end
  return a
end
local function settle(a)
  local jid, status, delivered = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  local results, err, now, entry, owner = ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7]
  if entry ~= '' then acks[#acks + 1] = entry end
  local jkey = P_JOB .. jid
  -- A field the record lacks costs a scan of the whole listpack: the outcome's fields, which an
  -- unsettled job never has, are read only for a job already settled.
  local j = redis.call('HMGET', jkey, 'status', 'user', 'held', 'cpi', 'reply', 'hook', 'started')
  if not j[1] or (owner ~= '' and owner ~= j[2]) then return 'missing', '' end
  if j[1] ~= 'queued' and j[1] ~= 'running' then
    local bal = int(account(j[2])[1])
    local o = redis.call('HMGET', jkey, 'charged', 'error', 'results')
    return 'already', message(jid, j[1], o[1] or '0', bal, o[2] or '', o[3] or '[]')
  end
  local held = tonumber(j[3])
  local capture = math.min(held, delivered * tonumber(j[4]))
  local refund = held - capture
  -- Formatted once: each is written to the job, the ledger and the message.
  local capture_s, refund_s = int(capture), int(refund)
  local a = account(j[2])
  local bal = int(a[1] + refund)
  if string.find(err, '\n', 1, true) then err = string.gsub(err, '\n', ' ') end
  local f = {'status', status, 'held', '0', 'charged', capture_s, 'refunded', refund_s,
             'results', results, 'error', err, 'finished', now}
  if not j[7] and status ~= 'cancelled' and status ~= 'expired' then
    -- A worker ran it, but it finished before the worker's batched start mark: it started no
    -- later than now, so startedAt is never missing on a job that ran.
    f[#f + 1] = 'started'
    f[#f + 1] = now
  end
  if j[6] and j[6] ~= '' then
    -- A webhook is owed: its first attempt is due now; workers claim it from this set.
    f[#f + 1] = 'hook_state'
    f[#f + 1] = 'pending'
    f[#f + 1] = 'hook_attempts'
    f[#f + 1] = '0'
    redis.call('ZADD', K_HOOKS, now, jid)
  end
  redis.call('HSET', jkey, unpack(f))
  done_ids[#done_ids + 1] = jid
  if capture > 0 then
    redis.call('XADD', K_LEDGER, '*', 't', 'capture', 'u', j[2], 'j', jid, 'n', capture_s, 'ts', now)
  end
  if refund > 0 then
    redis.call('XADD', K_LEDGER, '*', 't', 'refund', 'u', j[2], 'j', jid, 'n', refund_s, 'ts', now)
  end
  if status == 'cancelled' then redis.call('PUBLISH', K_CANCEL, jid) end
  local msg = message(jid, status, capture_s, bal, err, results)
  redis.call('PUBLISH', P_DONE .. j[5], msg)
  -- The account moves last: a job whose commands above failed has moved no credits.
  a[1], a[2], a[3] = a[1] + refund, a[2] - held, a[3] + capture
  if not a.changed then
    a.changed = true
    changed[#changed + 1] = a
  end
  return 'ok', msg
end
local settled, failure = pcall(function()
  for a = 1, #ARGV - 7, 8 do
    local outcome, msg = settle(a)
    out[#out + 1] = outcome
    out[#out + 1] = msg
  end
end)
-- Written even when a later job failed: Redis keeps a script's writes up to an error, so the
-- jobs settled before it (records and ledger entries) must have their credits moved too.
for _, a in ipairs(changed) do
  redis.call('HSET', P_USER .. a.uid, 'balance', int(a[1]), 'held', int(a[2]), 'captured', int(a[3]))
end
if not settled then error(failure) end
-- One command each for the whole batch.
if #acks > 0 then
  redis.call('XACK', K_JOBS, GROUP, unpack(acks))
  redis.call('XDEL', K_JOBS, unpack(acks))
end
if #done_ids > 0 then redis.call('ZREM', K_DEADLINES, unpack(done_ids)) end
return out
)lua";

const std::string_view kCreateUser = R"lua(
local uid, tier, credits, now, keyhash = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local ukey = P_USER .. uid
if redis.call('EXISTS', ukey) == 1 then return 0 end
redis.call('HSET', ukey, 'tier', tier, 'balance', credits, 'held', 0, 'granted', credits,
           'captured', 0, 'created', now)
redis.call('HINCRBY', K_STATS, 'granted', credits)
redis.call('XADD', K_LEDGER, '*', 't', 'grant', 'u', uid, 'j', '', 'n', credits, 'ts', now)
if keyhash ~= '' then
  redis.call('HSET', P_APIKEY .. keyhash, 'user', uid, 'revoked', 0, 'created', now)
  redis.call('SADD', P_USERKEYS .. uid, keyhash)
end
return 1
)lua";

const std::string_view kGrant = R"lua(
local ukey = P_USER .. ARGV[1]
if redis.call('EXISTS', ukey) == 0 then return redis.error_reply('no such user') end
local n = tonumber(ARGV[2])
redis.call('HINCRBY', ukey, 'granted', n)
redis.call('HINCRBY', K_STATS, 'granted', n)
local bal = redis.call('HINCRBY', ukey, 'balance', n)
redis.call('XADD', K_LEDGER, '*', 't', 'grant', 'u', ARGV[1], 'j', '', 'n', n, 'ts', ARGV[3])
return bal
)lua";

const std::string_view kRequeue = R"lua(
local entry, now, deadline = ARGV[1], ARGV[2], ARGV[3]
local found = redis.call('XRANGE', K_DLQ, entry, entry)
if #found == 0 then return {'missing'} end
local kv = found[1][2]
local f = {}
for i = 1, #kv, 2 do f[kv[i]] = kv[i + 1] end
local jid, uid = f['id'], f['user']
local jkey, ukey = P_JOB .. jid, P_USER .. uid
local status = redis.call('HGET', jkey, 'status')
if status == 'queued' or status == 'running' then return {'not_final', status} end
local cost = tonumber(f['cpi']) * tonumber(f['count'])
local balance = tonumber(redis.call('HGET', ukey, 'balance') or '0')
if balance < cost then return {'insufficient', tostring(balance)} end
redis.call('HINCRBY', ukey, 'balance', -cost)
redis.call('HINCRBY', ukey, 'held', cost)
f['deadline'] = deadline
local fields = {'user', uid}
for _, k in ipairs(JOB_FIELDS) do
  if f[k] then
    fields[#fields + 1] = k
    fields[#fields + 1] = f[k]
  end
end
redis.call('HSET', jkey, 'status', 'queued', 'held', cost, 'charged', 0, 'error', '', 'results', '[]',
           'deadline', deadline)
redis.call('HDEL', jkey, 'finished')
-- SETTLE leaves the expiry alone, so the record must outlive its new deadline: what it had left
-- (a week if it had expired and was written again just now), counted from that deadline.
local left = redis.call('TTL', jkey)
if left < 0 then left = 7 * 24 * 3600 end
redis.call('EXPIRE', jkey, left + math.ceil((tonumber(deadline) - tonumber(now)) / 1000))
redis.call('XADD', K_JOBS, '*', unpack(fields))
redis.call('ZADD', K_DEADLINES, deadline, jid)
redis.call('XADD', K_LEDGER, '*', 't', 'hold', 'u', uid, 'j', jid, 'n', cost, 'ts', now)
redis.call('XDEL', K_DLQ, entry)
return {'ok', jid}
)lua";

}  // namespace imagegen::lua
