#include "common/webhook_scripts.h"

namespace imagegen::lua {

const std::string_view kWebhookSecret = R"lua(
local ukey = P_USER .. ARGV[1]
if redis.call('EXISTS', ukey) == 0 then return false end
redis.call('HSETNX', ukey, 'whsec', ARGV[2])
return redis.call('HGET', ukey, 'whsec')
)lua";

const std::string_view kWebhookClaim = R"lua(
local now, lease, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local due = redis.call('ZRANGEBYSCORE', K_HOOKS, '-inf', now, 'LIMIT', 0, n)
local out = {}
for i, jid in ipairs(due) do
  local jkey = P_JOB .. jid
  local h = redis.call('HMGET', jkey, 'hook', 'user', 'hook_state')
  if not h[1] or h[1] == '' or h[3] ~= 'pending' then
    -- The job hash expired, or the delivery already ended: nothing left to send.
    redis.call('ZREM', K_HOOKS, jid)
  else
    redis.call('ZADD', K_HOOKS, now + lease, jid)
    local attempt = redis.call('HINCRBY', jkey, 'hook_attempts', 1)
    local ukey = P_USER .. h[2]
    local secret = redis.call('HGET', ukey, 'whsec')
    if not secret and redis.call('EXISTS', ukey) == 1 then
      secret = ARGV[3 + i]
      redis.call('HSET', ukey, 'whsec', secret)
    end
    -- No user any more: no key to sign with; the sender marks the delivery failed.
    out[#out + 1] = {jid, attempt, secret or '', redis.call('HGETALL', jkey)}
  end
end
return out
)lua";

const std::string_view kWebhookRecord = R"lua(
local jid, attempt, outcome, code = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local next_ms, err, now = ARGV[5], ARGV[6], ARGV[7]
local jkey = P_JOB .. jid
local h = redis.call('HMGET', jkey, 'hook_state', 'hook_attempts')
if h[1] ~= 'pending' then return 'stale' end
if outcome ~= 'delivered' and tonumber(h[2]) ~= attempt then return 'stale' end
err = string.gsub(err, '\n', ' ')
if outcome == 'retry' then
  redis.call('ZADD', K_HOOKS, next_ms, jid)
  redis.call('HSET', jkey, 'hook_last_status', code, 'hook_next', next_ms, 'hook_error', err,
             'hook_last_at', now)
  return 'ok'
end
redis.call('ZREM', K_HOOKS, jid)
redis.call('HSET', jkey, 'hook_state', outcome, 'hook_last_status', code, 'hook_error', err,
           'hook_last_at', now)
redis.call('HDEL', jkey, 'hook_next')
return 'ok'
)lua";

}  // namespace imagegen::lua
