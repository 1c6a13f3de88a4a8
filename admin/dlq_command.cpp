// imagegen-admin dlq list|requeue: the dead-letter stream (jobs past IMAGEGEN_MAX_DELIVERIES,
// already refunded).
#include "admin/admin_context.h"
#include "common/json_writer.h"
#include "common/lua_scripts.h"
#include "common/redis_keys.h"

namespace imagegen::admin {

namespace {
Outcome list(AdminContext& ctx, const CommandLine& cmd) {
  auto entries =
      ctx.command({"XRANGE", std::string(keys::kDeadLetterStream), "-", "+", "COUNT", "1000"});
  JsonWriter w;
  std::string text;
  w.begin_array();
  for (const auto& e : entries.elements()) {
    if (e.elements().size() < 2) continue;
    const auto& kv = e.elements()[1].elements();
    std::map<std::string, std::string> f;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) f[kv[i].as_string()] = kv[i + 1].as_string();
    const std::string& id = e.elements()[0].as_string();
    w.begin_object()
        .field("entry", id)
        .field("jobId", f["id"])
        .field("userId", f["user"])
        .field("model", f["model"])
        .field("deliveries", f["deliveries"])
        .field("reason", f["reason"])
        .end_object();
    text += id + " job " + f["id"] + " user " + f["user"] + " model " + f["model"] +
            " deliveries " + f["deliveries"] + " (" + f["reason"] + ")\n";
  }
  w.end_array();
  if (cmd.json) return {0, w.take() + "\n"};
  return {0, text.empty() ? "dead-letter stream is empty\n" : text};
}

Outcome requeue(AdminContext& ctx, const CommandLine& cmd) {
  if (cmd.positional.size() < 3) return {2, "usage: dlq requeue ENTRY_ID\n"};
  const std::int64_t now = now_ms();
  // A requeued job gets ten minutes; its result is read with GET /api/v1/jobs/{id}.
  auto r = ctx.script(lua::kRequeue,
                      {cmd.positional[2], std::to_string(now), std::to_string(now + 600000)});
  const auto& e = r.elements();
  const std::string verdict = e.empty() ? "" : e[0].as_string();
  if (verdict == "ok") return {0, "requeued job " + e[1].as_string() + "\n"};
  if (verdict == "missing") return {1, "no dead-letter entry " + cmd.positional[2] + "\n"};
  if (verdict == "insufficient")
    return {1, "the user's balance (" + e[1].as_string() + ") cannot cover the job\n"};
  return {1, "job is still " + (e.size() > 1 ? e[1].as_string() : std::string("?")) + "\n"};
}
}  // namespace

Outcome dlq_command(AdminContext& ctx, const CommandLine& cmd) {
  const std::string sub = cmd.positional.size() > 1 ? cmd.positional[1] : "";
  if (sub == "list") return list(ctx, cmd);
  if (sub == "requeue") return requeue(ctx, cmd);
  return {2, "usage: dlq list [--json] | dlq requeue ENTRY_ID\n"};
}

}  // namespace imagegen::admin
