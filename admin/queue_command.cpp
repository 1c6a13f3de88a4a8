// imagegen-admin queue: depth, lag, oldest ages, consumers and dead letters, read from Redis.
#include "admin/admin_context.h"
#include "admin/queue_status.h"
#include "common/redis_keys.h"

namespace imagegen::admin {

namespace {
using redis::Reply;

// XINFO answers flat [name, value, ...] arrays mixing strings, integers and nil.
std::map<std::string, Reply> fields(const Reply& flat) {
  std::map<std::string, Reply> out;
  const auto& e = flat.elements();
  for (std::size_t i = 0; i + 1 < e.size(); i += 2) out[e[i].as_string()] = e[i + 1];
  return out;
}

std::int64_t int_of(const std::map<std::string, Reply>& f, const char* name) {
  auto it = f.find(name);
  return it == f.end() ? 0 : it->second.as_int().value_or(0);
}

// The id of the first entry in (after, +], "" when there is none (after "" = from the start).
std::string first_after(AdminContext& ctx, const std::string& after) {
  auto r = ctx.command({"XRANGE", std::string(keys::kJobsStream), after.empty() ? "-" : "(" + after,
                        "+", "COUNT", "1"});
  if (r.elements().empty() || r.elements()[0].elements().empty()) return "";
  return r.elements()[0].elements()[0].as_string();
}
}  // namespace

Outcome queue_command(AdminContext& ctx, const CommandLine& cmd) {
  if (cmd.positional.size() != 1) return {2, "usage: queue [--json]\n"};
  const std::string stream(keys::kJobsStream);
  const std::string group(keys::kWorkersGroup);
  QueueStatus q;
  q.depth = ctx.command({"ZCARD", std::string(keys::kDeadlines)}).as_int().value_or(0);
  q.stream_length = ctx.command({"XLEN", stream}).as_int().value_or(0);
  q.dead_letters = ctx.command({"XLEN", std::string(keys::kDeadLetterStream)}).as_int().value_or(0);
  std::string last_delivered;
  if (ctx.command({"EXISTS", stream}).as_int().value_or(0) == 1) {
    // Replies are kept in variables: elements() refers into them.
    const Reply groups = ctx.command({"XINFO", "GROUPS", stream});
    for (const auto& g : groups.elements()) {
      auto f = fields(g);
      if (f["name"].as_string() != group) continue;
      q.group_exists = true;
      q.pending = int_of(f, "pending");
      last_delivered = f["last-delivered-id"].as_string();
      if (auto lag = f["lag"].as_int()) {
        q.lag = *lag;
      } else {
        // Redis cannot tell after some deletions: count what lies past the group's cursor.
        q.lag = static_cast<std::int64_t>(
            ctx.command({"XRANGE", stream, "(" + last_delivered, "+", "COUNT", "1000000"})
                .elements()
                .size());
      }
    }
  }
  const std::int64_t now = now_ms();
  if (!q.group_exists) q.lag = q.stream_length;
  q.oldest_waiting_age_s = entry_age_s(first_after(ctx, last_delivered), now);
  if (q.group_exists) {
    auto summary = ctx.command({"XPENDING", stream, group}).elements();
    if (summary.size() > 1 && summary[1].is_string())
      q.oldest_pending_age_s = entry_age_s(summary[1].as_string(), now);
    const Reply consumers = ctx.command({"XINFO", "CONSUMERS", stream, group});
    for (const auto& c : consumers.elements()) {
      auto f = fields(c);
      q.consumers.push_back({f["name"].as_string(), int_of(f, "pending"), int_of(f, "idle")});
    }
  }
  return {0, cmd.json ? render_queue_json(q) : render_queue_text(q)};
}

}  // namespace imagegen::admin
