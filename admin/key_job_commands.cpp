// imagegen-admin key create|revoke|list, job show
#include <algorithm>
#include <map>
#include <tuple>

#include "admin/admin_context.h"
#include "admin/iso_time.h"
#include "common/crypto.h"
#include "common/json_writer.h"
#include "common/protocol/job_view.h"
#include "common/redis_keys.h"

namespace imagegen::admin {

namespace {
// A user's keys by their SHA-256 (the keys themselves are never stored), oldest first.
Outcome list_keys(AdminContext& ctx, const CommandLine& cmd) {
  const std::string& uid = cmd.positional[2];
  if (ctx.command({"EXISTS", keys::user(uid)}).as_int().value_or(0) != 1)
    return {1, "no such user " + uid + "\n"};
  struct Row {
    std::int64_t created;
    std::string hash;
    bool revoked;
  };
  std::vector<Row> rows;
  // The reply must outlive the loop: elements() refers into it.
  const redis::Reply hashes = ctx.command({"SMEMBERS", "imagegen:userkeys:" + uid});
  for (const auto& h : hashes.elements()) {
    auto f = ctx.command({"HMGET", keys::api_key(h.as_string()), "created", "revoked"}).elements();
    if (f.size() < 2) continue;
    rows.push_back({f[0].as_int().value_or(0), h.as_string(), f[1].as_string() == "1"});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.created, a.hash) < std::tie(b.created, b.hash);
  });
  JsonWriter w;
  std::string text;
  w.begin_array();
  for (const auto& r : rows) {
    w.begin_object()
        .field("keyHash", r.hash)
        .field("revoked", r.revoked)
        .field("created", format_iso8601_ms(r.created))
        .end_object();
    text += r.hash + (r.revoked ? " revoked" : " active") + " created " +
            format_iso8601_ms(r.created) + "\n";
  }
  w.end_array();
  if (cmd.json) return {0, w.take() + "\n"};
  return {0, text.empty() ? "no keys\n" : text};
}
}  // namespace

Outcome key_command(AdminContext& ctx, const CommandLine& cmd) {
  const std::string sub = cmd.positional.size() > 1 ? cmd.positional[1] : "";
  if (sub == "create" && cmd.positional.size() >= 3) {
    const std::string& uid = cmd.positional[2];
    if (ctx.command({"EXISTS", keys::user(uid)}).as_int().value_or(0) != 1)
      return {1, "no such user " + uid + "\n"};
    std::string api_key = crypto::new_api_key();
    std::string hash = crypto::sha256_hex(api_key);
    ctx.command({"HSET", keys::api_key(hash), "user", uid, "revoked", "0", "created",
                 std::to_string(now_ms())});
    ctx.command({"SADD", "imagegen:userkeys:" + uid, hash});
    if (cmd.json) {
      JsonWriter w;
      w.begin_object().field("apiKey", api_key).end_object();
      return {0, w.take() + "\n"};
    }
    return {0, "api key " + api_key + "\n"};
  }
  if (sub == "revoke" && cmd.positional.size() >= 3) {
    std::string hash = crypto::sha256_hex(cmd.positional[2]);
    if (ctx.command({"EXISTS", keys::api_key(hash)}).as_int().value_or(0) != 1)
      return {1, "no such api key\n"};
    ctx.command({"HSET", keys::api_key(hash), "revoked", "1"});
    return {0, "revoked\n"};
  }
  if (sub == "list" && cmd.positional.size() == 3) return list_keys(ctx, cmd);
  return {2,
          "usage: key create USER_ID [--json] | key revoke API_KEY | key list USER_ID [--json]\n"};
}

Outcome job_command(AdminContext& ctx, const CommandLine& cmd) {
  if (cmd.positional.size() < 3 || cmd.positional[1] != "show")
    return {2, "usage: job show JOB_ID [--json]\n"};
  auto fields = ctx.command({"HGETALL", keys::job(cmd.positional[2])}).to_map();
  if (!fields || fields->empty()) return {1, "no such job " + cmd.positional[2] + "\n"};
  // One field per line whichever way the record holds its spec.
  protocol::flatten_job_spec(*fields);
  std::map<std::string, std::string> sorted(fields->begin(), fields->end());
  if (cmd.json) {
    JsonWriter w;
    w.begin_object();
    for (const auto& [k, v] : sorted) w.field(k, v);
    w.end_object();
    return {0, w.take() + "\n"};
  }
  std::string out;
  for (const auto& [k, v] : sorted) out += k + " " + v + "\n";
  return {0, out};
}

}  // namespace imagegen::admin
