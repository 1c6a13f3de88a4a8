// imagegen-admin model list|disable|enable: the runtime kill switch and what workers serve.
#include "admin/admin_context.h"
#include "admin/model_availability.h"
#include "common/catalog.h"
#include "common/catalog_path.h"

namespace imagegen::admin {

namespace {
Outcome list(AdminContext& ctx, const CommandLine& cmd, const Catalog& catalog) {
  std::set<std::string> disabled;
  const redis::Reply members = ctx.command({"SMEMBERS", std::string(kDisabledModelsKey)});
  for (const auto& m : members.elements()) disabled.insert(m.as_string());
  const std::int64_t now = now_ms();
  std::map<std::string, std::vector<ServingWorker>> serves;
  for (const auto& m : catalog.models()) {
    if (serves.contains(m.provider)) continue;
    auto& workers = serves[m.provider];
    // Only heartbeats still in the future; expired members are the workers' to prune.
    auto r = ctx.command(
        {"ZRANGEBYSCORE", serves_key(m.provider), "(" + std::to_string(now), "+inf", "WITHSCORES"});
    const auto& e = r.elements();
    for (std::size_t i = 0; i + 1 < e.size(); i += 2) {
      // Scores are whole milliseconds; Redis prints them as doubles.
      workers.push_back(
          {e[i].as_string(), static_cast<std::int64_t>(std::stod(e[i + 1].as_string()))});
    }
  }
  auto rows = model_availability(catalog, disabled, serves, now);
  return {0, cmd.json ? render_model_list_json(rows) : render_model_list_text(rows)};
}

Outcome set_disabled(AdminContext& ctx, const CommandLine& cmd, const Catalog& catalog,
                     bool disable) {
  const char* verb = disable ? "disable" : "enable";
  if (cmd.positional.size() != 3) return {2, std::string("usage: model ") + verb + " MODEL\n"};
  const std::string& model = cmd.positional[2];
  if (catalog.find(model) == nullptr) return {2, "unknown model " + model + "\n"};
  ctx.command({disable ? "SADD" : "SREM", std::string(kDisabledModelsKey), model});
  return {0, "model " + model + (disable ? " disabled\n" : " enabled\n")};
}
}  // namespace

Outcome model_command(AdminContext& ctx, const CommandLine& cmd) {
  const std::string sub = cmd.positional.size() > 1 ? cmd.positional[1] : "";
  if (sub != "list" && sub != "disable" && sub != "enable")
    return {2, "usage: model list [--json] | model disable MODEL | model enable MODEL\n"};
  auto path = find_catalog_path(cmd.catalog_path);
  if (!path) return {2, path.error().message + "\n"};
  auto catalog = Catalog::load_file(*path);
  if (!catalog) return {2, catalog.error().message + "\n"};
  if (sub == "list") return list(ctx, cmd, *catalog);
  return set_disabled(ctx, cmd, *catalog, sub == "disable");
}

}  // namespace imagegen::admin
