#include "api/api_config.h"

#include <unistd.h>

#include <thread>

#include "common/int_options.h"

namespace imagegen::api {

Result<ApiConfigLoad> load_api_config(int argc, const char* const* argv, const EnvLookup& env) {
  Options o("imagegen-api",
            "HTTP front door: validates, authenticates, holds credits, enqueues and waits.");
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  o.add({"IMAGEGEN_API_HOST", "0.0.0.0", "Address to listen on"});
  o.add({"IMAGEGEN_API_PORT", "8080", "HTTP port"});
  o.add({"IMAGEGEN_REDIS_URL", "redis://127.0.0.1:6379/0",
         "Redis URL (redis://[:pw@]host:port/db or unix:///path)"});
  o.add({"IMAGEGEN_JWT_SECRET", "", "HS256 secret for Supabase-style JWTs (empty: only API keys)",
         true});
  o.add({"IMAGEGEN_WAIT_TIMEOUT_MS", "120000",
         "How long a request waits for its job before 504 (refunded)"});
  o.add({"IMAGEGEN_JOB_DEADLINE_MS", "600000",
         "How long an asynchronous job (Prefer: respond-async or wait=N) may run before it is "
         "expired and refunded"});
  o.add({"IMAGEGEN_WEBHOOK_ALLOW_PRIVATE", "0",
         "1 = webhookUrl may name loopback/private addresses (tests, private networks)"});
  o.add({"IMAGEGEN_REQUIRE_WORKER", "1",
         "1 = refuse a model (503 MODEL_UNAVAILABLE) when no live worker serves its provider"});
  o.add({"IMAGEGEN_STORAGE", "local:./data/images",
         "Where the workers store images, for GET /api/v1/files/: local:DIR or supabase"});
  o.add({"SUPABASE_URL", "", "Supabase project URL (IMAGEGEN_STORAGE=supabase)"});
  o.add({"SUPABASE_SERVICE_ROLE_KEY", "",
         "Supabase service-role key, to sign download URLs (IMAGEGEN_STORAGE=supabase)", true});
  o.add({"IMAGEGEN_SUPABASE_BUCKET", "generated-images", "Supabase Storage bucket of the images"});
  o.add({"IMAGEGEN_SIGNED_URL_TTL_S", "300", "Lifetime of a signed download URL (supabase)"});
  o.add({"IMAGEGEN_API_THREADS", std::to_string(hw), "I/O threads, one io_context each"});
  o.add({"IMAGEGEN_METRICS_PORT", "9100", "Port of GET /metrics (0 = off)"});
  o.add({"IMAGEGEN_CATALOG", "",
         "Model catalog file (default: <prefix>/share/imagegen/models.json beside bin/)"});
  o.add({"IMAGEGEN_MAX_BODY_BYTES", "65536", "Largest request body accepted (413 above)"});
  o.add(
      {"IMAGEGEN_MAX_PROMPT_CHARS", "10000", "Longest prompt accepted, in characters (400 above)"});
  o.add({"IMAGEGEN_RATE_LIMIT_PER_MIN", "0",
         "Requests per user per minute, shared by all instances (0 = off)"});
  o.add({"IMAGEGEN_MAX_QUEUE_DEPTH", "10000", "Jobs admitted but unfinished before 503 (0 = off)"});
  o.add({"IMAGEGEN_REDIS_TIMEOUT_MS", "500",
         "Deadline of each Redis command (a stalled Redis gives 503 after it)"});
  o.add({"IMAGEGEN_HEADER_TIMEOUT_MS", "10000", "Time a client has to send its request"});
  o.add({"IMAGEGEN_IDLE_TIMEOUT_MS", "60000", "Idle keep-alive connections are closed after this"});
  o.add({"IMAGEGEN_MAX_CONNECTIONS", "10000", "Open client connections per process"});
  o.add({"IMAGEGEN_JOB_TTL_S", "604800", "How long finished jobs stay readable"});
  o.add({"IMAGEGEN_INSTANCE_ID", "",
         "Name of this api instance in reply channels (default hostname-pid)"});
  o.add({"IMAGEGEN_LOG_LEVEL", "info", "trace, debug, info, warn, error"});
  o.add({"IMAGEGEN_LOG_FORMAT", "json", "json (one object per line) or text"});

  auto parsed = o.parse(argc, argv, env);
  if (!parsed) return parsed.error();
  ApiConfigLoad out;
  if (*parsed == Options::Parsed::kHelp) {
    out.help = true;
    out.help_text = o.help_text();
    return out;
  }
  ApiConfig& c = out.config;
  c.host = o.get("IMAGEGEN_API_HOST");
  c.redis_url = o.get("IMAGEGEN_REDIS_URL");
  c.jwt_secret = o.get("IMAGEGEN_JWT_SECRET");
  c.catalog_path = o.get("IMAGEGEN_CATALOG");
  c.instance_id = o.get("IMAGEGEN_INSTANCE_ID");
  c.log_level = o.get("IMAGEGEN_LOG_LEVEL");
  c.storage = o.get("IMAGEGEN_STORAGE");
  c.supabase_url = o.get("SUPABASE_URL");
  c.supabase_key = o.get("SUPABASE_SERVICE_ROLE_KEY");
  c.supabase_bucket = o.get("IMAGEGEN_SUPABASE_BUCKET");
  if (c.storage != "supabase" && !c.storage.starts_with("local:")) {
    return make_error(Errc::kInvalidArgument, "IMAGEGEN_STORAGE must be local:DIR or supabase");
  }
  c.log_format = o.get("IMAGEGEN_LOG_FORMAT");
  std::int64_t port = 0, threads = 0, metrics = 0, body = 0, prompt = 0, allow_private = 0,
               require_worker = 1;
  auto ints = get_ints(
      o, {
             {"IMAGEGEN_API_PORT", 1, 65535, &port},
             {"IMAGEGEN_API_THREADS", 1, 256, &threads},
             {"IMAGEGEN_METRICS_PORT", 0, 65535, &metrics},
             {"IMAGEGEN_WAIT_TIMEOUT_MS", 1, 3600000, &c.wait_timeout_ms},
             {"IMAGEGEN_MAX_BODY_BYTES", 256, 16 << 20, &body},
             {"IMAGEGEN_MAX_PROMPT_CHARS", 1, 1000000, &prompt},
             {"IMAGEGEN_RATE_LIMIT_PER_MIN", 0, 1000000000, &c.rate_limit_per_min},
             {"IMAGEGEN_MAX_QUEUE_DEPTH", 0, 1000000000, &c.max_queue_depth},
             {"IMAGEGEN_REDIS_TIMEOUT_MS", 10, 600000, &c.redis_timeout_ms},
             {"IMAGEGEN_HEADER_TIMEOUT_MS", 10, 600000, &c.header_timeout_ms},
             {"IMAGEGEN_IDLE_TIMEOUT_MS", 10, 3600000, &c.idle_timeout_ms},
             {"IMAGEGEN_MAX_CONNECTIONS", 1, 1000000, &c.max_connections},
             {"IMAGEGEN_JOB_TTL_S", 60, 365LL * 24 * 3600, &c.job_ttl_s},
             {"IMAGEGEN_SIGNED_URL_TTL_S", 10, 7 * 24 * 3600, &c.signed_url_ttl_s},
             {"IMAGEGEN_JOB_DEADLINE_MS", 1000, 7LL * 24 * 3600 * 1000, &c.job_deadline_ms},
             {"IMAGEGEN_WEBHOOK_ALLOW_PRIVATE", 0, 1, &allow_private},
             {"IMAGEGEN_REQUIRE_WORKER", 0, 1, &require_worker},
         });
  if (!ints) return ints.error();
  c.port = static_cast<std::uint16_t>(port);
  c.webhook_allow_private = allow_private == 1;
  c.require_worker = require_worker == 1;
  c.threads = static_cast<int>(threads);
  c.metrics_port = static_cast<std::uint16_t>(metrics);
  c.max_body_bytes = static_cast<std::size_t>(body);
  c.max_prompt_chars = static_cast<std::size_t>(prompt);
  if (c.instance_id.empty()) {
    char host[256] = {};
    ::gethostname(host, sizeof(host) - 1);
    c.instance_id = std::string(host) + "-" + std::to_string(::getpid());
  }
  for (char ch : c.instance_id) {
    if (ch == ' ' || ch == '\n' || ch == '\r') {
      return make_error(Errc::kInvalidArgument,
                        "IMAGEGEN_INSTANCE_ID must not contain spaces or newlines");
    }
  }
  return out;
}

}  // namespace imagegen::api
