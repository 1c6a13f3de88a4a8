#include "worker/worker_config.h"

#include <unistd.h>

#include <algorithm>
#include <thread>

#include "common/int_options.h"
#include "worker/providers/registry.h"

namespace imagegen::worker {

int resolve_threads(int requested, int concurrency, int cores) {
  const int wanted = requested > 0 ? requested : std::max(cores, 1);
  // Every thread needs at least one slot, or it would read nothing.
  return std::clamp(wanted, 1, std::max(concurrency, 1));
}

int slots_of_thread(int concurrency, int threads, int index) {
  return concurrency / threads + (index < concurrency % threads ? 1 : 0);
}

Result<WorkerConfigLoad> load_worker_config(int argc, const char* const* argv,
                                            const imagegen::EnvLookup& env) {
  Options o("imagegen-worker",
            "Takes jobs from the Redis stream, calls the upstream provider, stores images, settles "
            "credits.");
  o.add({"IMAGEGEN_REDIS_URL", "redis://127.0.0.1:6379/0", "Redis URL"});
  o.add({"IMAGEGEN_WORKER_CONCURRENCY", "4096",
         "Jobs in flight at once, split across the worker threads (free slots bound every stream "
         "read); a waiting job costs a coroutine, its curl handles and its image bytes"});
  o.add({"IMAGEGEN_WORKER_THREADS", "0",
         "Threads, each with its own io_context, curl multi, Redis connections and share of the "
         "slots (0 = one per core)"});
  o.add({"IMAGEGEN_STORAGE", "local:./data/images", "Where images go: local:DIR or supabase"});
  o.add({"SUPABASE_URL", "", "Supabase project URL (IMAGEGEN_STORAGE=supabase)"});
  o.add({"SUPABASE_SERVICE_ROLE_KEY", "", "Supabase service-role key (IMAGEGEN_STORAGE=supabase)",
         true});
  o.add({"IMAGEGEN_SUPABASE_BUCKET", "generated-images", "Supabase Storage bucket for images"});
  o.add({"IMAGEGEN_METRICS_HOST", "0.0.0.0", "Address of GET /metrics"});
  o.add({"IMAGEGEN_METRICS_PORT", "9101", "Port of GET /metrics (0 = off)"});
  o.add({"IMAGEGEN_CATALOG", "",
         "Model catalog file (default: <prefix>/share/imagegen/models.json beside bin/)"});
  o.add({"IMAGEGEN_CONSUMER_NAME", "",
         "Consumer name in the group 'workers' (default hostname-pid)"});
  o.add({"IMAGEGEN_REDIS_TIMEOUT_MS", "2000", "Deadline of each Redis command"});
  o.add({"IMAGEGEN_READ_BLOCK_MS", "1000", "BLOCK of each XREADGROUP"});
  o.add({"IMAGEGEN_DRAIN_TIMEOUT_MS", "30000",
         "On SIGTERM, how long in-flight jobs may take to finish"});
  o.add({"IMAGEGEN_JOB_TTL_S", "604800", "How long finished jobs stay readable"});
  o.add({"IMAGEGEN_ADVERTISE_TTL_MS", "15000",
         "How long this worker's provider families stay advertised to the api without renewal"});
  o.add({"IMAGEGEN_RECLAIM_IDLE_MS", "30000",
         "A job pending this long without its worker's heartbeat is reclaimed (XCLAIM) by another "
         "worker"});
  o.add({"IMAGEGEN_MAX_DELIVERIES", "3",
         "Deliveries of one job before it goes to the dead-letter stream (refunded)"});
  o.add({"IMAGEGEN_LOG_LEVEL", "info", "trace, debug, info, warn, error"});
  // Webhooks and deadlines (issue 11).
  o.add({"IMAGEGEN_WEBHOOK_ALLOW_PRIVATE", "0",
         "1 = webhooks may reach loopback/private addresses (tests, private networks)"});
  o.add({"IMAGEGEN_WEBHOOK_RETRY_BASE_MS", "5000",
         "Pause after a webhook's first failed attempt; x3.2 per attempt, 10 attempts"});
  o.add({"IMAGEGEN_DEADLINE_GRACE_MS", "5000",
         "How long past its deadline a job waits for its worker before the sweeper expires it"});
  o.add({"IMAGEGEN_LOG_FORMAT", "json", "json (one object per line) or text"});
  o.add({"IMAGEGEN_PROVIDER_BASE_URL", "",
         "Base URL for every provider at once (the simulator serves them all)"});
  // Every provider's base URL and key, from the registry's own list (one place per family).
  std::vector<std::string> provider_vars = {"IMAGEGEN_PROVIDER_BASE_URL"};
  for (const auto& spec : provider_env_specs()) {
    o.add({std::string(spec.base_url_var), std::string(spec.default_base),
           std::string(spec.family) + " API base URL"});
    o.add({std::string(spec.api_key_var), "", std::string(spec.family) + " API key", true});
    provider_vars.emplace_back(spec.base_url_var);
    provider_vars.emplace_back(spec.api_key_var);
    if (!spec.secret_var.empty()) {
      o.add({std::string(spec.secret_var), "", std::string(spec.family) + " secret key", true});
      provider_vars.emplace_back(spec.secret_var);
    }
    if (!spec.flag_var.empty()) {
      o.add({std::string(spec.flag_var), "0", std::string(spec.family) + " mode switch (1 = on)"});
      provider_vars.emplace_back(spec.flag_var);
    }
  }

  auto parsed = o.parse(argc, argv, env);
  if (!parsed) return parsed.error();
  WorkerConfigLoad out;
  if (*parsed == Options::Parsed::kHelp) {
    out.help = true;
    out.help_text = o.help_text();
    return out;
  }
  WorkerConfig& c = out.config;
  c.redis_url = o.get("IMAGEGEN_REDIS_URL");
  c.storage = o.get("IMAGEGEN_STORAGE");
  c.metrics_host = o.get("IMAGEGEN_METRICS_HOST");
  c.catalog_path = o.get("IMAGEGEN_CATALOG");
  c.consumer_name = o.get("IMAGEGEN_CONSUMER_NAME");
  c.log_level = o.get("IMAGEGEN_LOG_LEVEL");
  c.log_format = o.get("IMAGEGEN_LOG_FORMAT");
  std::int64_t concurrency = 0, metrics = 0, threads = 0;
  auto ints =
      get_ints(o, {
                      {"IMAGEGEN_WORKER_CONCURRENCY", 1, 100000, &concurrency},
                      {"IMAGEGEN_WORKER_THREADS", 0, 256, &threads},
                      {"IMAGEGEN_METRICS_PORT", 0, 65535, &metrics},
                      {"IMAGEGEN_REDIS_TIMEOUT_MS", 10, 600000, &c.redis_timeout_ms},
                      {"IMAGEGEN_READ_BLOCK_MS", 10, 60000, &c.read_block_ms},
                      {"IMAGEGEN_DRAIN_TIMEOUT_MS", 0, 3600000, &c.drain_timeout_ms},
                      {"IMAGEGEN_JOB_TTL_S", 60, 365LL * 24 * 3600, &c.job_ttl_s},
                      {"IMAGEGEN_ADVERTISE_TTL_MS", 1000, 3600000, &c.advertise_ttl_ms},
                      {"IMAGEGEN_RECLAIM_IDLE_MS", 100, 86400000, &c.reclaim_idle_ms},
                      {"IMAGEGEN_MAX_DELIVERIES", 1, 1000, &c.max_deliveries},
                      {"IMAGEGEN_WEBHOOK_RETRY_BASE_MS", 1, 3600000, &c.webhook_retry_base_ms},
                      {"IMAGEGEN_DEADLINE_GRACE_MS", 0, 3600000, &c.deadline_grace_ms},
                  });
  if (!ints) return ints.error();
  for (const auto& var : provider_vars) {
    // Only what was set: the registry applies its own defaults and IMAGEGEN_PROVIDER_BASE_URL.
    if (env(var).has_value() || o.get(var) != o.default_of(var)) c.provider_env[var] = o.get(var);
  }
  auto allow_private = o.get_int("IMAGEGEN_WEBHOOK_ALLOW_PRIVATE", 0, 1);
  if (!allow_private) return allow_private.error();
  c.webhook_allow_private = *allow_private == 1;
  c.concurrency = static_cast<int>(concurrency);
  c.threads = resolve_threads(static_cast<int>(threads), c.concurrency,
                              static_cast<int>(std::thread::hardware_concurrency()));
  c.metrics_port = static_cast<std::uint16_t>(metrics);
  c.supabase_url = o.get("SUPABASE_URL");
  c.supabase_key = o.get("SUPABASE_SERVICE_ROLE_KEY");
  c.supabase_bucket = o.get("IMAGEGEN_SUPABASE_BUCKET");
  if (c.storage == "supabase") {
    if (c.supabase_url.empty() || c.supabase_key.empty() || c.supabase_bucket.empty()) {
      return make_error(
          Errc::kInvalidArgument,
          "IMAGEGEN_STORAGE=supabase needs SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY and "
          "IMAGEGEN_SUPABASE_BUCKET");
    }
  } else if (!c.storage.starts_with("local:") || c.storage.size() == 6) {
    return make_error(Errc::kInvalidArgument, "IMAGEGEN_STORAGE must be local:DIR or supabase");
  }
  if (c.consumer_name.empty()) {
    char host[256] = {};
    ::gethostname(host, sizeof(host) - 1);
    c.consumer_name = std::string(host) + "-" + std::to_string(::getpid());
  }
  return out;
}

}  // namespace imagegen::worker
