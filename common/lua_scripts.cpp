#include "common/lua_scripts.h"

namespace imagegen::lua {

const std::string_view kAdmit = R"lua(
local mode, ident, need_tier = ARGV[1], ARGV[2], ARGV[3]
local cost, now = tonumber(ARGV[4]), tonumber(ARGV[5])
local rate_limit, max_depth, ttl = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local idem_key, body_hash = ARGV[9], ARGV[10]
local uid
if mode == 'key' then
  local k = redis.call('HMGET', 'imagegen:apikey:' .. ident, 'user', 'revoked')
  if not k[1] or k[2] == '1' then return {'unauthorized'} end
  uid = k[1]
else
  uid = ident
end
local ukey = 'imagegen:user:' .. uid
local u = redis.call('HMGET', ukey, 'tier', 'balance')
if not u[1] then return {'unauthorized'} end
local ikey
if idem_key ~= '' then
  -- The same key from the same user: the first request's job, never a second charge.
  ikey = 'imagegen:idem:' .. uid .. ':' .. idem_key
  local prev = redis.call('HMGET', ikey, 'job', 'hash')
  if prev[1] then
    if prev[2] ~= body_hash then return {'idem_mismatch', uid} end
    return {'idem', uid, prev[1]}
  end
end
if need_tier == 'pro' and u[1] ~= 'pro' then return {'tier', uid} end
if rate_limit > 0 then
  local window = math.floor(now / 60000)
  local rkey = 'imagegen:rate:' .. uid .. ':' .. window
  local n = redis.call('INCR', rkey)
  if n == 1 then redis.call('PEXPIRE', rkey, 120000) end
  if n > rate_limit then
    return {'rate', uid, tostring(math.ceil(((window + 1) * 60000 - now) / 1000))}
  end
end
if max_depth > 0 then
  local depth = tonumber(redis.call('GET', 'imagegen:inflight') or '0')
  if depth >= max_depth then return {'overloaded'} end
end
local balance = tonumber(u[2])
if balance < cost then return {'insufficient', uid, tostring(balance)} end
local jid = ARGV[12]
local jkey = 'imagegen:job:' .. jid
if redis.call('EXISTS', jkey) == 1 then return redis.error_reply('job id exists') end
redis.call('HINCRBY', ukey, 'balance', -cost)
redis.call('HINCRBY', ukey, 'held', cost)
local fields = {}
for i = 11, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', jkey, 'user', uid, 'status', 'queued', 'held', cost, unpack(fields))
redis.call('EXPIRE', jkey, ttl)
redis.call('XADD', 'imagegen:jobs', '*', 'user', uid, unpack(fields))
redis.call('INCR', 'imagegen:inflight')
redis.call('XADD', 'imagegen:ledger', '*', 't', 'hold', 'u', uid, 'j', jid, 'n', cost, 'ts', now)
if ikey then redis.call('HSET', ikey, 'job', jid, 'hash', body_hash); redis.call('PEXPIRE', ikey, 86400000) end
return {'ok', uid, tostring(balance - cost)}
)lua";

const std::string_view kFinalize = R"lua(
local jid, status, delivered = ARGV[1], ARGV[2], tonumber(ARGV[3])
local results, err, now, entry, ttl = ARGV[4], ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8])
local jkey = 'imagegen:job:' .. jid
local j = redis.call('HMGET', jkey, 'status', 'user', 'held', 'cpi', 'reply', 'charged', 'results', 'error')
if entry ~= '' then
  redis.call('XACK', 'imagegen:jobs', 'workers', entry)
  redis.call('XDEL', 'imagegen:jobs', entry)
end
if not j[1] then return {'missing'} end
local ukey = 'imagegen:user:' .. j[2]
if j[1] ~= 'queued' and j[1] ~= 'running' then
  local bal = redis.call('HGET', ukey, 'balance') or '0'
  return {'already', j[1], j[6] or '0', bal, j[7] or '[]', j[8] or ''}
end
local held = tonumber(j[3])
local capture = math.min(held, delivered * tonumber(j[4]))
local refund = held - capture
redis.call('HINCRBY', ukey, 'held', -held)
if refund > 0 then redis.call('HINCRBY', ukey, 'balance', refund) end
if capture > 0 then redis.call('HINCRBY', ukey, 'captured', capture) end
err = string.gsub(err, '\n', ' ')
redis.call('HSET', jkey, 'status', status, 'held', 0, 'charged', capture, 'refunded', refund,
           'results', results, 'error', err, 'finished', now)
redis.call('EXPIRE', jkey, ttl)
if capture > 0 then
  redis.call('XADD', 'imagegen:ledger', '*', 't', 'capture', 'u', j[2], 'j', jid, 'n', capture, 'ts', now)
end
if refund > 0 then
  redis.call('XADD', 'imagegen:ledger', '*', 't', 'refund', 'u', j[2], 'j', jid, 'n', refund, 'ts', now)
end
redis.call('DECR', 'imagegen:inflight')
local bal = redis.call('HGET', ukey, 'balance')
redis.call('PUBLISH', 'imagegen:done:' .. j[5],
           jid .. '\n' .. status .. '\n' .. capture .. '\n' .. bal .. '\n' .. err .. '\n' .. results)
return {'ok', status, tostring(capture), bal, results, err}
)lua";

const std::string_view kStart = R"lua(
local jkey = 'imagegen:job:' .. ARGV[1]
local s = redis.call('HGET', jkey, 'status')
if s == 'queued' then
  redis.call('HSET', jkey, 'status', 'running', 'worker', ARGV[2], 'started', ARGV[3])
  return 'running'
end
return s or 'missing'
)lua";

const std::string_view kCreateUser = R"lua(
local uid, tier, credits, now, keyhash = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local ukey = 'imagegen:user:' .. uid
if redis.call('EXISTS', ukey) == 1 then return 0 end
redis.call('HSET', ukey, 'tier', tier, 'balance', credits, 'held', 0, 'granted', credits,
           'captured', 0, 'created', now)
redis.call('XADD', 'imagegen:ledger', '*', 't', 'grant', 'u', uid, 'j', '', 'n', credits, 'ts', now)
if keyhash ~= '' then
  redis.call('HSET', 'imagegen:apikey:' .. keyhash, 'user', uid, 'revoked', 0, 'created', now)
  redis.call('SADD', 'imagegen:userkeys:' .. uid, keyhash)
end
return 1
)lua";

const std::string_view kGrant = R"lua(
local ukey = 'imagegen:user:' .. ARGV[1]
if redis.call('EXISTS', ukey) == 0 then return redis.error_reply('no such user') end
local n = tonumber(ARGV[2])
redis.call('HINCRBY', ukey, 'granted', n)
local bal = redis.call('HINCRBY', ukey, 'balance', n)
redis.call('XADD', 'imagegen:ledger', '*', 't', 'grant', 'u', ARGV[1], 'j', '', 'n', n, 'ts', ARGV[3])
return bal
)lua";

const std::string_view kRequeue = R"lua(
local entry, now, deadline = ARGV[1], ARGV[2], ARGV[3]
local found = redis.call('XRANGE', 'imagegen:dlq', entry, entry)
if #found == 0 then return {'missing'} end
local kv = found[1][2]
local f = {}
for i = 1, #kv, 2 do f[kv[i]] = kv[i + 1] end
local jid, uid = f['id'], f['user']
local jkey, ukey = 'imagegen:job:' .. jid, 'imagegen:user:' .. uid
local status = redis.call('HGET', jkey, 'status')
if status == 'queued' or status == 'running' then return {'not_final', status} end
local cost = tonumber(f['cpi']) * tonumber(f['count'])
local balance = tonumber(redis.call('HGET', ukey, 'balance') or '0')
if balance < cost then return {'insufficient', tostring(balance)} end
redis.call('HINCRBY', ukey, 'balance', -cost)
redis.call('HINCRBY', ukey, 'held', cost)
f['deadline'] = deadline
local fields = {'user', uid}
for _, k in ipairs({'id', 'model', 'prompt', 'neg', 'seed', 'aspect', 'res', 'count', 'cpi', 'reply', 'created', 'deadline'}) do
  fields[#fields + 1] = k
  fields[#fields + 1] = f[k] or ''
end
redis.call('HSET', jkey, 'status', 'queued', 'held', cost, 'charged', 0, 'error', '', 'results', '[]',
           'deadline', deadline)
redis.call('HDEL', jkey, 'finished')
redis.call('XADD', 'imagegen:jobs', '*', unpack(fields))
redis.call('INCR', 'imagegen:inflight')
redis.call('XADD', 'imagegen:ledger', '*', 't', 'hold', 'u', uid, 'j', jid, 'n', cost, 'ts', now)
redis.call('XDEL', 'imagegen:dlq', entry)
return {'ok', jid}
)lua";

}  // namespace imagegen::lua
