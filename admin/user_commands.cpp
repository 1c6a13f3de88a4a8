// imagegen-admin user create|show|set-tier|list
#include <algorithm>
#include <tuple>

#include "admin/admin_context.h"
#include "admin/iso_time.h"
#include "common/catalog.h"
#include "common/config.h"
#include "common/crypto.h"
#include "common/json_array.h"
#include "common/json_writer.h"
#include "common/lua_scripts.h"
#include "common/redis_keys.h"

namespace imagegen::admin {

namespace {
Outcome create(AdminContext& ctx, const CommandLine& cmd) {
  if (!cmd.tier || !parse_tier(*cmd.tier)) return {2, "user create needs --tier free|pro\n"};
  auto credits = parse_int(cmd.credits.value_or(""), 0, 1'000'000'000'000LL);
  if (!credits) return {2, "user create needs --credits N (a whole number >= 0)\n"};
  std::string user_id = new_user_id();
  std::string api_key = crypto::new_api_key();
  auto created =
      ctx.script(lua::kCreateUser, {user_id, *cmd.tier, std::to_string(*credits),
                                    std::to_string(now_ms()), crypto::sha256_hex(api_key)});
  if (created.as_int().value_or(0) != 1) return {1, "user id collision, try again\n"};
  if (cmd.json) {
    JsonWriter w;
    w.begin_object().field("userId", user_id).field("apiKey", api_key).end_object();
    return {0, w.take() + "\n"};
  }
  return {0, "user " + user_id + "\napi key " + api_key + "\n"};
}

Outcome show(AdminContext& ctx, const CommandLine& cmd) {
  if (cmd.positional.size() < 3) return {2, "usage: user show USER_ID [--json]\n"};
  const std::string& id = cmd.positional[2];
  auto fields = ctx.command({"HGETALL", keys::user(id)}).to_map();
  if (!fields || fields->empty()) return {1, "no such user " + id + "\n"};
  auto& f = fields.value();
  auto n = [&](const char* k) -> std::int64_t {
    auto r = parse_int(f[k], INT64_MIN, INT64_MAX);
    return r ? *r : 0;
  };
  if (cmd.json) {
    JsonWriter w;
    w.begin_object()
        .field("userId", id)
        .field("tier", f["tier"])
        .field("balance", n("balance"))
        .field("held", n("held"))
        .field("granted", n("granted"))
        .field("captured", n("captured"))
        .end_object();
    return {0, w.take() + "\n"};
  }
  return {0, "user " + id + "\ntier " + f["tier"] + "\nbalance " + std::to_string(n("balance")) +
                 "\nheld " + std::to_string(n("held")) + "\ngranted " +
                 std::to_string(n("granted")) + "\ncaptured " + std::to_string(n("captured")) +
                 "\n"};
}

Outcome list(AdminContext& ctx, const CommandLine& cmd) {
  if (cmd.positional.size() != 2) return {2, "usage: user list [--json]\n"};
  struct Row {
    std::string id, tier;
    std::int64_t balance, held, granted, captured, created;
  };
  std::vector<Row> rows;
  for (const auto& key : ctx.scan("imagegen:user:*")) {
    auto f = ctx.command({"HGETALL", key}).to_map();
    if (!f || f->empty()) continue;
    auto n = [&](const char* k) -> std::int64_t {
      auto v = parse_int((*f)[k], INT64_MIN, INT64_MAX);
      return v ? *v : 0;
    };
    rows.push_back({key.substr(keys::user("").size()), (*f)["tier"], n("balance"), n("held"),
                    n("granted"), n("captured"), n("created")});
  }
  // Oldest first: the order users were created in.
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.created, a.id) < std::tie(b.created, b.id);
  });
  if (cmd.json) {
    const std::string json = json_array(rows, [](JsonWriter& w, const Row& r) {
      w.begin_object()
          .field("userId", r.id)
          .field("tier", r.tier)
          .field("balance", r.balance)
          .field("held", r.held)
          .field("granted", r.granted)
          .field("captured", r.captured)
          .field("created", format_iso8601_ms(r.created))
          .end_object();
    });
    return {0, json + "\n"};
  }
  std::string out;
  for (const auto& r : rows) {
    out += r.id + " " + r.tier + " balance " + std::to_string(r.balance) + " held " +
           std::to_string(r.held) + " created " + format_iso8601_ms(r.created) + "\n";
  }
  return {0, out.empty() ? "no users\n" : out};
}

Outcome set_tier(AdminContext& ctx, const CommandLine& cmd) {
  if (cmd.positional.size() < 4 || !parse_tier(cmd.positional[3])) {
    return {2, "usage: user set-tier USER_ID free|pro\n"};
  }
  const std::string& id = cmd.positional[2];
  if (ctx.command({"EXISTS", keys::user(id)}).as_int().value_or(0) != 1)
    return {1, "no such user " + id + "\n"};
  ctx.command({"HSET", keys::user(id), "tier", cmd.positional[3]});
  return {0, "user " + id + " tier " + cmd.positional[3] + "\n"};
}
}  // namespace

Outcome user_command(AdminContext& ctx, const CommandLine& cmd) {
  const std::string sub = cmd.positional.size() > 1 ? cmd.positional[1] : "";
  if (sub == "create") return create(ctx, cmd);
  if (sub == "show") return show(ctx, cmd);
  if (sub == "set-tier") return set_tier(ctx, cmd);
  if (sub == "list") return list(ctx, cmd);
  return {2, "usage: user create|show|set-tier|list ...\n"};
}

Outcome credits_command(AdminContext& ctx, const CommandLine& cmd) {
  if (cmd.positional.size() < 4 || cmd.positional[1] != "grant")
    return {2, "usage: credits grant USER_ID N\n"};
  auto n = parse_int(cmd.positional[3], 1, 1'000'000'000'000LL);
  if (!n) return {2, "credits grant: N must be a whole number >= 1\n"};
  auto balance =
      ctx.script(lua::kGrant, {cmd.positional[2], std::to_string(*n), std::to_string(now_ms())});
  return {0, "balance " + std::to_string(balance.as_int().value_or(0)) + "\n"};
}

}  // namespace imagegen::admin
