#pragma once
// The whole product for an integration test: a real redis-server, imagegen-sim, imagegen-worker
// and imagegen-api as subprocesses on free ports, images in a fresh temp dir.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/test_http.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"

namespace imagegen::testing {

struct StackOptions {
  std::int64_t wait_timeout_ms = 20000;
  int worker_concurrency = 16;  // 0 = the worker's default
  std::map<std::string, std::string> api_env;
  std::map<std::string, std::string> worker_env;
  bool start_worker = true;
  bool redis_append_only = false;  // Redis keeps its data across stop() + restart()
  // Non-empty: the worker stores into this bucket of the simulator's Supabase Storage API
  // (IMAGEGEN_STORAGE=supabase) instead of a local directory.
  std::string supabase_bucket;
};

struct DemoUser {
  std::string user_id;
  std::string api_key;
};

class Stack {
 public:
  explicit Stack(StackOptions options = {});
  ~Stack();

  std::string api_url(const std::string& path) const;
  HttpResult post_generate(const std::string& api_key, const std::string& body,
                           const std::vector<std::string>& extra_headers = {});
  HttpResult get(const std::string& path, const std::string& api_key = "");

  // imagegen-admin with the stack's Redis; returns stdout, fails the test on a non-zero exit.
  std::string admin(const std::string& args);
  DemoUser create_user(const std::string& tier, std::int64_t credits);
  std::int64_t user_number(const std::string& user_id, const std::string& field);

  // Another worker process (same settings plus `extra_env`); returns its index (the first is 0).
  std::size_t start_worker(const std::map<std::string, std::string>& extra_env = {});
  Process& worker(std::size_t index) { return *workers_.at(index); }
  Process& api() { return *api_; }

  const std::string& images_dir() const { return images_dir_; }
  std::string sim_url() const { return "http://127.0.0.1:" + std::to_string(sim_port_); }
  std::uint16_t api_metrics_port() const { return api_metrics_port_; }
  std::uint16_t worker_metrics_port() const { return worker_metrics_port_; }
  RedisServer& redis() { return *redis_; }

 private:
  std::string dir_;
  std::string images_dir_;
  std::uint16_t sim_port_ = 0, api_port_ = 0, api_metrics_port_ = 0, worker_metrics_port_ = 0;
  std::unique_ptr<RedisServer> redis_;
  std::map<std::string, std::string> worker_env_;
  std::vector<std::unique_ptr<Process>> workers_;
  std::unique_ptr<Process> sim_, api_;
};

// Minimal JSON field access for assertions (simdjson DOM underneath).
std::string json_string(const std::string& json, const std::string& pointer);  // "" if absent
std::int64_t json_int(const std::string& json, const std::string& pointer);    // -1 if absent
std::size_t json_array_size(const std::string& json, const std::string& pointer);

}  // namespace imagegen::testing
