// imagegen-admin usage USER_ID [--since ISO-8601] [--json]: reads the ledger stream in pages.
#include <unordered_map>

#include "admin/admin_context.h"
#include "admin/iso_time.h"
#include "admin/usage_report.h"
#include "common/config.h"
#include "common/job_codec.h"
#include "common/redis_keys.h"

namespace imagegen::admin {

Outcome usage_command(AdminContext& ctx, const CommandLine& cmd) {
  if (cmd.positional.size() != 2) return {2, "usage: usage USER_ID [--since ISO-8601] [--json]\n"};
  UsageReport report;
  report.user = cmd.positional[1];
  if (cmd.since) {
    report.since_ms = parse_iso8601_ms(*cmd.since);
    if (!report.since_ms)
      return {2, "--since: not an ISO-8601 time (e.g. 2024-05-01 or 2024-05-01T12:00:00Z)\n"};
  }
  if (ctx.command({"EXISTS", keys::user(report.user)}).as_int().value_or(0) != 1)
    return {1, "no such user " + report.user + "\n"};
  std::unordered_map<std::string, std::optional<JobFacts>> jobs;  // one lookup per job
  // Ledger ids are the Redis time the entry was added, so --since is a range start.
  std::string start = report.since_ms ? std::to_string(std::max<std::int64_t>(0, *report.since_ms))
                                      : std::string("-");
  const std::string ledger(keys::kLedgerStream);
  for (;;) {
    auto page = ctx.command({"XRANGE", ledger, start, "+", "COUNT", "1000"});
    const auto& entries = page.elements();
    for (const auto& e : entries) {
      if (e.elements().size() < 2) continue;
      LedgerEntry le;
      const auto& kv = e.elements()[1].elements();
      for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
        const std::string& k = kv[i].as_string();
        const std::string& v = kv[i + 1].as_string();
        if (k == "t") le.type = v;
        if (k == "u") le.user = v;
        if (k == "j") le.job = v;
        if (k == "n") {
          auto n = parse_int(v, INT64_MIN, INT64_MAX);
          le.amount = n ? *n : 0;
        }
      }
      if (le.user != report.user) continue;
      std::optional<JobFacts> facts;
      if (!le.job.empty()) {
        auto [it, fresh] = jobs.try_emplace(le.job);
        if (fresh) {
          auto f =
              ctx.command({"HMGET", keys::job(le.job), "model", "cpi", std::string(kJobSpecField)})
                  .elements();
          if (f.size() == 3) {
            std::string model = job_field(f[0].as_string(), f[2].as_string(), "model");
            if (!model.empty()) it->second = JobFacts{std::move(model), f[1].as_int().value_or(0)};
          }
        }
        facts = it->second;
      }
      add_ledger_entry(report, le, facts);
    }
    if (entries.size() < 1000) break;
    start = "(" + entries.back().elements()[0].as_string();
  }
  return {0, cmd.json ? render_usage_json(report) : render_usage_text(report)};
}

}  // namespace imagegen::admin
