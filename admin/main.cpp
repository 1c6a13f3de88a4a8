// imagegen-admin: operator commands over Redis (users, credits, keys, jobs, audit, usage, queue,
// model availability).
#include <iostream>

#include "admin/admin_context.h"
#include "common/config.h"
#include "common/logging.h"

using namespace imagegen;

namespace {
constexpr const char* kUsage =
    "Usage: imagegen-admin COMMAND [args] [--json]\n"
    "  user create --tier free|pro --credits N [--json]   new user and API key\n"
    "  user show USER_ID [--json]                         balance, held, granted, captured\n"
    "  user set-tier USER_ID free|pro\n"
    "  credits grant USER_ID N\n"
    "  key create USER_ID [--json]\n"
    "  key revoke API_KEY\n"
    "  job show JOB_ID [--json]\n"
    "  dlq list [--json]                                  dead-lettered jobs (already refunded)\n"
    "  dlq requeue ENTRY_ID                               hold the cost again and retry the job\n"
    "  audit                                              check every user's books; exit 1 if off\n"
    "  user list [--json]                                 every user, oldest first\n"
    "  key list USER_ID [--json]                          the user's keys (by SHA-256), revoked or "
    "not\n"
    "  usage USER_ID [--since ISO-8601] [--json]          images and credits by model, from the "
    "ledger\n"
    "  queue [--json]                                     depth, lag, oldest ages, consumers, dead "
    "letters\n"
    "  model list [--json]                                each model: family, disabled, served by "
    "a worker\n"
    "  model disable MODEL | model enable MODEL           runtime kill switch (the api answers "
    "503)\n"
    "Environment: IMAGEGEN_REDIS_URL (default redis://127.0.0.1:6379/0), flag --redis-url;\n"
    "IMAGEGEN_CATALOG (default: share/imagegen/models.json beside bin/), flag --catalog.\n";

Result<admin::CommandLine> parse_args(int argc, char** argv, std::string& redis_url) {
  admin::CommandLine cmd;
  if (const char* catalog = std::getenv("IMAGEGEN_CATALOG")) cmd.catalog_path = catalog;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> Result<std::string> {
      if (i + 1 >= argc)
        return make_error(Errc::kInvalidArgument, std::string(name) + " needs a value");
      return std::string(argv[++i]);
    };
    if (a == "--json") {
      cmd.json = true;
    } else if (a == "--tier" || a == "--credits" || a == "--redis-url" || a == "--since" ||
               a == "--catalog") {
      auto v = value(a.c_str());
      if (!v) return v.error();
      if (a == "--tier") cmd.tier = *v;
      if (a == "--credits") cmd.credits = *v;
      if (a == "--redis-url") redis_url = *v;
      if (a == "--since") cmd.since = *v;
      if (a == "--catalog") cmd.catalog_path = *v;
    } else if (a.starts_with("--")) {
      return make_error(Errc::kInvalidArgument, "unknown option " + a);
    } else {
      cmd.positional.push_back(a);
    }
  }
  return cmd;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const char* env_url = std::getenv("IMAGEGEN_REDIS_URL");
  std::string redis_url = env_url ? env_url : "redis://127.0.0.1:6379/0";
  auto cmd = parse_args(argc, argv, redis_url);
  if (!cmd) {
    std::cerr << "imagegen-admin: " << cmd.error().message << "\n";
    return 2;
  }
  auto url = redis::parse_redis_url(redis_url);
  if (!url) {
    std::cerr << "imagegen-admin: " << url.error().message << "\n";
    return 2;
  }
  // Logs go to stderr and only when something is wrong: stdout is the command's answer.
  if (auto ok = init_logging("admin", "warn"); !ok) return 2;
  try {
    admin::AdminContext ctx;
    redis::RedisConfig rc;
    rc.url = *url;
    rc.name = "admin";
    ctx.redis = redis::Connection::create(ctx.ioc, rc);
    const std::string group = cmd->positional.empty() ? "" : cmd->positional[0];
    admin::Outcome outcome;
    if (group == "user")
      outcome = admin::user_command(ctx, *cmd);
    else if (group == "credits")
      outcome = admin::credits_command(ctx, *cmd);
    else if (group == "key")
      outcome = admin::key_command(ctx, *cmd);
    else if (group == "job")
      outcome = admin::job_command(ctx, *cmd);
    else if (group == "audit")
      outcome = admin::audit_command(ctx, *cmd);
    else if (group == "dlq")
      outcome = admin::dlq_command(ctx, *cmd);
    else if (group == "usage")
      outcome = admin::usage_command(ctx, *cmd);
    else if (group == "queue")
      outcome = admin::queue_command(ctx, *cmd);
    else if (group == "model")
      outcome = admin::model_command(ctx, *cmd);
    else
      outcome = {2, std::string("unknown command\n") + kUsage};
    (outcome.exit_code == 0 ? std::cout : std::cerr) << outcome.out;
    return outcome.exit_code;
  } catch (const std::exception& e) {
    std::cerr << "imagegen-admin: " << e.what() << "\n";
    return 1;
  }
}
