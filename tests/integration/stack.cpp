#include "tests/integration/stack.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "tests/integration/response_recorder.h"
#include "tests/support/free_port.h"
#include "tests/support/wait_for.h"

namespace imagegen::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
std::string bin(const std::string& name) { return std::string(IMAGEGEN_BIN_DIR) + "/" + name; }

std::string make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "imagegen-it-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

void wait_ready(Process& p, std::uint16_t port, const char* what) {
  if (!wait_for_tcp_port(port, 20s)) {
    throw std::runtime_error(std::string(what) + " did not listen on its port; log:\n" +
                             p.read_log());
  }
}
}  // namespace

Stack::Stack(StackOptions o) {
  dir_ = make_temp_dir();
  images_dir_ = dir_ + "/images";
  fs::create_directories(images_dir_);
  RedisServer::Options redis_options;
  redis_options.append_only = o.redis_append_only;
  redis_ = std::make_unique<RedisServer>(redis_options);
  sim_port_ = free_port();
  api_port_ = free_port();
  api_metrics_port_ = free_port();
  worker_metrics_port_ = free_port();

  sim_ = std::make_unique<Process>(bin("imagegen-sim"),
                                   std::vector<std::string>{"--port", std::to_string(sim_port_)},
                                   std::map<std::string, std::string>{}, dir_ + "/sim.log");
  wait_ready(*sim_, sim_port_, "imagegen-sim");

  std::map<std::string, std::string> common = {
      {"IMAGEGEN_REDIS_URL", redis_->url()},
      {"IMAGEGEN_CATALOG", std::string(IMAGEGEN_SOURCE_DIR) + "/config/models.json"},
      {"IMAGEGEN_LOG_LEVEL", "info"},
  };
  worker_env_ = common;
  worker_env_["IMAGEGEN_STORAGE"] = "local:" + images_dir_;
  if (o.worker_concurrency > 0)
    worker_env_["IMAGEGEN_WORKER_CONCURRENCY"] = std::to_string(o.worker_concurrency);
  worker_env_["IMAGEGEN_PROVIDER_BASE_URL"] = "http://127.0.0.1:" + std::to_string(sim_port_);
  for (const char* key :
       {"GEMINI_API_KEY", "OPENAI_API_KEY", "BFL_API_KEY", "MIDJOURNEY_API_KEY", "RUNWAY_API_KEY",
        "XAI_API_KEY", "BYTEPLUS_API_KEY", "OPENROUTER_API_KEY", "DASHSCOPE_API_KEY"}) {
    worker_env_[key] = "sim-key";
  }
  // Kling signs a JWT with two keys; these are the simulator's defaults.
  worker_env_["KLING_ACCESS_KEY"] = "sim-kling-access";
  worker_env_["KLING_SECRET_KEY"] = "sim-kling-secret";
  if (!o.supabase_bucket.empty()) {
    worker_env_["IMAGEGEN_STORAGE"] = "supabase";
    worker_env_["SUPABASE_URL"] = sim_url();
    worker_env_["SUPABASE_SERVICE_ROLE_KEY"] = "sim-service-role-key";
    worker_env_["IMAGEGEN_SUPABASE_BUCKET"] = o.supabase_bucket;
  }
  for (auto& [k, v] : o.worker_env) worker_env_[k] = v;
  if (o.start_worker)
    start_worker({{"IMAGEGEN_METRICS_PORT", std::to_string(worker_metrics_port_)}});
  auto env = common;
  env["IMAGEGEN_API_HOST"] = "127.0.0.1";
  env["IMAGEGEN_API_PORT"] = std::to_string(api_port_);
  env["IMAGEGEN_METRICS_PORT"] = std::to_string(api_metrics_port_);
  env["IMAGEGEN_WAIT_TIMEOUT_MS"] = std::to_string(o.wait_timeout_ms);
  env["IMAGEGEN_API_THREADS"] = "2";
  env["IMAGEGEN_JWT_SECRET"] = "integration-secret";
  // The files route reads what the workers wrote.
  for (const char* key : {"IMAGEGEN_STORAGE", "SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY",
                          "IMAGEGEN_SUPABASE_BUCKET"}) {
    if (worker_env_.count(key)) env[key] = worker_env_[key];
  }
  // A stack without a worker tests the queue itself: its jobs must be admitted, not refused as
  // unservable (tests of availability set this back to 1).
  if (!o.start_worker) env["IMAGEGEN_REQUIRE_WORKER"] = "0";
  for (auto& [k, v] : o.api_env) env[k] = v;
  api_ = std::make_unique<Process>(bin("imagegen-api"), std::vector<std::string>{}, env,
                                   dir_ + "/api.log");
  record_responses_from(api_url(""));
  wait_ready(*api_, api_port_, "imagegen-api");
  // Ready means Redis is reachable and the reply channel is subscribed.
  if (!wait_for([&] { return get("/readyz").status == 200; }, 20s)) {
    throw std::runtime_error("imagegen-api never became ready; log:\n" + api_->read_log());
  }
}

std::size_t Stack::start_worker(const std::map<std::string, std::string>& extra_env) {
  auto env = worker_env_;
  std::uint16_t metrics_port = free_port();
  env["IMAGEGEN_METRICS_PORT"] = std::to_string(metrics_port);
  for (auto& [k, v] : extra_env) env[k] = v;
  metrics_port = static_cast<std::uint16_t>(std::stoi(env["IMAGEGEN_METRICS_PORT"]));
  const std::size_t index = workers_.size();
  env["IMAGEGEN_CONSUMER_NAME"] = "worker-" + std::to_string(index);
  workers_.push_back(std::make_unique<Process>(bin("imagegen-worker"), std::vector<std::string>{},
                                               env,
                                               dir_ + "/worker-" + std::to_string(index) + ".log"));
  wait_ready(*workers_.back(), metrics_port, "imagegen-worker");
  // Its provider families are advertised before it consumes: the api admits their models then.
  const std::string me = env["IMAGEGEN_CONSUMER_NAME"];
  if (!wait_for(
          [&] {
            return !redis_->command({"ZSCORE", "imagegen:serves:openai", me}).is_nil();
          },
          20s)) {
    throw std::runtime_error("imagegen-worker never advertised; log:\n" +
                             workers_.back()->read_log());
  }
  return index;
}

Stack::~Stack() {
  api_.reset();
  workers_.clear();
  sim_.reset();
  redis_.reset();
  std::error_code ec;
  if (!::testing::Test::HasFailure())
    fs::remove_all(dir_, ec);
  else
    std::fprintf(stderr, "integration logs kept in %s\n", dir_.c_str());
}

std::string Stack::api_url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(api_port_) + path;
}

HttpResult Stack::post_generate(const std::string& api_key, const std::string& body,
                                const std::vector<std::string>& extra_headers) {
  std::vector<std::string> headers = {"Content-Type: application/json"};
  if (!api_key.empty()) headers.push_back("Authorization: Bearer " + api_key);
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  return http_request("POST", api_url("/api/v1/generate-image"), body, headers, 60s);
}

HttpResult Stack::get(const std::string& path, const std::string& api_key) {
  std::vector<std::string> headers;
  if (!api_key.empty()) headers.push_back("Authorization: Bearer " + api_key);
  return http_request("GET", api_url(path), "", headers, 10s);
}

std::string Stack::admin(const std::string& args) {
  std::string cmd =
      "IMAGEGEN_REDIS_URL='" + redis_->url() + "' " + bin("imagegen-admin") + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed");
  std::string out;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = ::pclose(p);
  EXPECT_EQ(status, 0) << cmd << "\n" << out;
  return out;
}

DemoUser Stack::create_user(const std::string& tier, std::int64_t credits) {
  std::string out =
      admin("user create --tier " + tier + " --credits " + std::to_string(credits) + " --json");
  return DemoUser{json_string(out, "/userId"), json_string(out, "/apiKey")};
}

std::int64_t Stack::user_number(const std::string& user_id, const std::string& field) {
  return json_int(admin("user show " + user_id + " --json"), "/" + field);
}

std::string json_string(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser p;
  std::string_view s;
  if (p.parse(json).at_pointer(pointer).get_string().get(s)) return "";
  return std::string(s);
}

std::int64_t json_int(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser p;
  std::int64_t v = 0;
  if (p.parse(json).at_pointer(pointer).get_int64().get(v)) return -1;
  return v;
}

std::size_t json_array_size(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser p;
  simdjson::dom::array a;
  if (p.parse(json).at_pointer(pointer).get_array().get(a)) return 0;
  return a.size();
}

}  // namespace imagegen::testing
