#pragma once
// imagegen-worker configuration: IMAGEGEN_* variables, provider variables, and flags of the same
// meaning.
#include <cstdint>
#include <map>
#include <string>

#include "common/config.h"

namespace imagegen::worker {

struct WorkerConfig {
  std::string redis_url = "redis://127.0.0.1:6379/0";
  int concurrency = 4096;  // slots of the whole process
  int threads = 1;         // io_context threads; load_worker_config resolves 0 to the cores
  std::string storage = "local:./data/images";
  // IMAGEGEN_STORAGE=supabase: where and as whom to upload (the key is never logged).
  std::string supabase_url;
  std::string supabase_key;
  std::string supabase_bucket = "generated-images";
  std::string metrics_host = "0.0.0.0";
  std::uint16_t metrics_port = 9101;  // 0 = off
  std::string catalog_path;           // "" = find_catalog_path() looks beside the binary
  std::string consumer_name;          // default hostname-pid
  std::int64_t redis_timeout_ms = 2000;
  std::int64_t read_block_ms = 1000;
  std::int64_t drain_timeout_ms = 30000;
  std::int64_t reclaim_idle_ms = 30000;  // a pending entry idle this long belongs to a dead worker
  std::int64_t max_deliveries = 3;       // past this the job is dead-lettered and refunded
  std::int64_t job_ttl_s = 7 * 24 * 3600;
  std::int64_t advertise_ttl_ms = 15000;  // how long a family advertisement outlives its worker
  std::string log_level = "info";
  // Webhooks and deadlines (issue 11).
  bool webhook_allow_private = false;
  std::int64_t webhook_retry_base_ms = 5000;
  std::int64_t deadline_grace_ms = 5000;
  std::string log_format = "json";  // json | text
  // Provider base URLs and keys (GEMINI_API_KEY, ...), from env or flags; fed to the registry.
  std::map<std::string, std::string, std::less<>> provider_env;
};

struct WorkerConfigLoad {
  bool help = false;
  std::string help_text;
  WorkerConfig config;
};
// IMAGEGEN_WORKER_THREADS resolved: 0 means one per core; never more threads than slots.
int resolve_threads(int requested, int concurrency, int cores);
// The slots thread `index` of `threads` owns: `concurrency` split as evenly as possible.
int slots_of_thread(int concurrency, int threads, int index);

Result<WorkerConfigLoad> load_worker_config(int argc, const char* const* argv,
                                            const imagegen::EnvLookup& env);

}  // namespace imagegen::worker
