#pragma once
// imagegen-api configuration: IMAGEGEN_* variables and flags of the same meaning.
#include <cstdint>
#include <string>

#include "common/config.h"

namespace imagegen::api {

struct ApiConfig {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;
  std::string redis_url = "redis://127.0.0.1:6379/0";
  std::string jwt_secret;
  std::int64_t wait_timeout_ms = 120000;
  int threads = 2;
  std::uint16_t metrics_port = 9100;  // 0 = off
  std::string catalog_path;           // "" = find_catalog_path() looks beside the binary
  std::size_t max_body_bytes = 65536;
  std::size_t max_prompt_chars = 10000;
  std::int64_t rate_limit_per_min = 0;
  std::int64_t max_queue_depth = 10000;
  std::int64_t redis_timeout_ms = 500;
  std::int64_t header_timeout_ms = 10000;
  std::int64_t idle_timeout_ms = 60000;
  std::int64_t max_connections = 10000;
  std::int64_t job_ttl_s = 7 * 24 * 3600;
  std::int64_t job_deadline_ms = 600000;  // asynchronous jobs
  bool webhook_allow_private = false;
  bool require_worker = true;
  std::string storage = "local:./data/images";  // what the workers write to (files route)
  std::string supabase_url;
  std::string supabase_key;
  std::string supabase_bucket = "generated-images";
  std::int64_t signed_url_ttl_s = 300;
  std::string instance_id;  // default: hostname-pid
  std::string log_level = "info";
  std::string log_format = "json";  // json | text
};

// Result<kHelp> means: print help_text and exit 0.
struct ApiConfigLoad {
  bool help = false;
  std::string help_text;
  ApiConfig config;
};
Result<ApiConfigLoad> load_api_config(int argc, const char* const* argv, const EnvLookup& env);

}  // namespace imagegen::api
