// imagegen-admin audit: every user's books must balance and every finished job must hold nothing.
//   granted - captured == balance + held      (per user, and in total)
//   held == sum of the holds of that user's unfinished jobs
#include <map>

#include "admin/admin_context.h"
#include "common/config.h"
#include "common/redis_keys.h"

namespace imagegen::admin {

namespace {
std::int64_t num(std::unordered_map<std::string, std::string>& f, const char* k) {
  auto r = parse_int(f[k], INT64_MIN, INT64_MAX);
  return r ? *r : 0;
}

}  // namespace

Outcome audit_command(AdminContext& ctx, const CommandLine&) {
  std::map<std::string, std::int64_t> open_holds;  // user -> sum of holds of unfinished jobs
  std::string problems;
  std::size_t jobs = 0;
  for (const auto& key : ctx.scan("imagegen:job:*")) {
    auto f = ctx.command({"HGETALL", key}).to_map();
    if (!f || f->empty()) continue;
    ++jobs;
    const std::string status = (*f)["status"];
    std::int64_t held = num(*f, "held");
    if (status == "queued" || status == "running") {
      open_holds[(*f)["user"]] += held;
    } else if (held != 0) {
      problems += "job " + key.substr(13) + " is " + status + " but still holds " +
                  std::to_string(held) + "\n";
    }
  }
  std::int64_t total_lhs = 0, total_rhs = 0;
  std::size_t users = 0;
  for (const auto& key : ctx.scan("imagegen:user:*")) {
    auto f = ctx.command({"HGETALL", key}).to_map();
    if (!f || f->empty()) continue;
    ++users;
    const std::string uid = key.substr(14);
    std::int64_t lhs = num(*f, "granted") - num(*f, "captured");
    std::int64_t rhs = num(*f, "balance") + num(*f, "held");
    total_lhs += lhs;
    total_rhs += rhs;
    if (lhs != rhs) {
      problems += "user " + uid + ": granted - captured = " + std::to_string(lhs) +
                  " but balance + held = " + std::to_string(rhs) + "\n";
    }
    if (num(*f, "balance") < 0) problems += "user " + uid + ": negative balance\n";
    if (num(*f, "held") != open_holds[uid]) {
      problems += "user " + uid + ": holds " + std::to_string(num(*f, "held")) +
                  " but its open jobs hold " + std::to_string(open_holds[uid]) + "\n";
    }
  }
  std::string summary = "audit: " + std::to_string(users) + " users, " + std::to_string(jobs) +
                        " jobs, granted-captured=" + std::to_string(total_lhs) +
                        " balance+held=" + std::to_string(total_rhs);
  if (!problems.empty()) return {1, problems + summary + ": FAILED\n"};
  return {0, summary + ": clean\n"};
}

}  // namespace imagegen::admin
