#include "api/api_service.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <ctime>

#include "api/auth.h"
#include "api/request_validation.h"
#include "api/responses.h"
#include "common/crypto.h"
#include "common/json_writer.h"
#include "common/lua_scripts.h"
#include "common/redis_keys.h"

namespace imagegen::api {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {
constexpr std::string_view kGeneratePath = "/api/v1/generate-image";
constexpr std::string_view kJobsPrefix = "/api/v1/jobs/";

std::int64_t now_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso8601(std::int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

ApiResponse method_not_allowed(std::string_view allow) {
  auto r = error_response(405, "Method not allowed");
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

bool is_json_content_type(std::string_view ct) {
  if (ct.empty()) return true;  // curl -d without -H still means JSON to most clients; be lenient
  auto semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" || (lower.size() > 5 && lower.ends_with("+json"));
}

ApiResponse redis_unavailable() { return unavailable("Service temporarily unavailable", 1); }

int to_int(std::string_view s, int fallback) {
  auto r = parse_int(s, INT32_MIN, INT32_MAX);
  return r ? static_cast<int>(*r) : fallback;
}
}  // namespace

std::string_view route_name(std::string_view method, std::string_view target) {
  (void)method;
  if (target == kGeneratePath) return "generate";
  if (target.substr(0, kJobsPrefix.size()) == kJobsPrefix) return "jobs";
  if (target == "/healthz") return "healthz";
  if (target == "/readyz") return "readyz";
  return "other";
}

ApiService::ApiService(asio::io_context& ioc, const ApiConfig& config, const Catalog& catalog,
                       ApiMetrics& metrics, int thread_index)
    : ioc_(ioc),
      config_(config),
      catalog_(catalog),
      metrics_(metrics),
      channel_(keys::done_channel(config.instance_id + "-" + std::to_string(thread_index))),
      admit_(std::string(lua::kAdmit)),
      finalize_(std::string(lua::kFinalize)),
      waiters_(ioc) {}

void ApiService::start() {
  auto url = redis::parse_redis_url(config_.redis_url);
  if (!url) throw std::runtime_error(url.error().message);
  redis::RedisConfig rc;
  rc.url = *url;
  rc.name = "api-commands";
  redis_ = redis::Connection::create(ioc_, rc);
  rc.name = "api-subscriber";
  subscriber_ =
      redis::Subscriber::create(ioc_, rc, [this](std::string_view, std::string_view payload) {
        auto m = decode_result_message(payload);
        if (!m) {
          spdlog::warn("ignoring a malformed completion message: {}", m.error().message);
          return;
        }
        waiters_.deliver(std::move(m.value()));
      });
  // A message published while the subscription was down is lost: re-read those jobs.
  subscriber_->set_on_resubscribed([this] {
    asio::co_spawn(ioc_, recheck_pending(), [](std::exception_ptr e) {
      if (e) spdlog::error("re-reading pending jobs failed with an exception");
    });
  });
  subscriber_->subscribe(channel_);
}

void ApiService::shutdown() {
  subscriber_.reset();
  redis_.reset();
}

asio::awaitable<ApiResponse> ApiService::handle(ApiRequest request) {
  if (request.target == kGeneratePath) {
    if (request.method != "POST") co_return method_not_allowed("POST");
    co_return co_await generate(request);
  }
  if (request.target.starts_with(kJobsPrefix)) {
    if (request.method != "GET") co_return method_not_allowed("GET");
    co_return co_await job_status(request,
                                  std::string_view(request.target).substr(kJobsPrefix.size()));
  }
  if (request.target == "/healthz") {
    if (request.method != "GET") co_return method_not_allowed("GET");
    co_return ApiResponse{200, R"({"status":"ok"})", {}};
  }
  if (request.target == "/readyz") {
    if (request.method != "GET") co_return method_not_allowed("GET");
    co_return co_await readyz();
  }
  co_return error_response(404, "Not found");
}

asio::awaitable<ApiResponse> ApiService::generate(ApiRequest& request) {
  const std::int64_t started = now_ms();
  // 1. The token's shape and any JWT are checked locally: no Redis for junk.
  auto credential = authenticate_header(request.authorization, config_.jwt_secret, started / 1000);
  if (!credential) {
    metrics_.refused("unauthorized");
    co_return unauthorized();
  }
  if (!is_json_content_type(request.content_type)) {
    co_return error_response(415, "Content-Type must be application/json");
  }
  if (request.idempotency_key.size() > 255 ||
      request.idempotency_key.find_first_of("\r\n\t\"") != std::string::npos) {
    co_return invalid_field("Idempotency-Key",
                            "Idempotency-Key must be at most 255 printable characters");
  }
  // 2. The body, first bad field named.
  auto validated = validate_generate_request(request.body, catalog_, {config_.max_prompt_chars});
  if (auto* err = std::get_if<ApiResponse>(&validated)) {
    metrics_.refused("invalid");
    co_return std::move(*err);
  }
  GenerateRequest& req = std::get<GenerateRequest>(validated);
  const ModelInfo& model = *req.model;

  JobSpec job;
  job.job_id = crypto::random_hex(12);
  job.model = model.key;
  job.prompt = req.prompt;
  job.negative_prompt = req.negative_prompt;
  job.seed = req.seed;
  job.aspect_ratio = req.aspect_ratio;
  job.resolution = req.resolution;
  job.count = req.count;
  job.cost_per_image = req.cost_per_image;
  job.reply_channel = channel_.substr(keys::done_channel("").size());
  job.created_ms = started;
  job.deadline_ms = started + config_.wait_timeout_ms;

  std::vector<std::string> args;
  args.reserve(32);
  args.push_back(credential->kind == Credential::Kind::kApiKey ? "key" : "user");
  args.push_back(credential->ident);
  args.emplace_back(tier_name(model.required_tier));
  args.push_back(std::to_string(req.total_cost()));
  args.push_back(std::to_string(started));
  args.push_back(std::to_string(config_.rate_limit_per_min));
  args.push_back(std::to_string(config_.max_queue_depth));
  args.push_back(std::to_string(config_.job_ttl_s));
  args.push_back(request.idempotency_key);
  args.push_back(request.idempotency_key.empty() ? std::string()
                                                 : crypto::sha256_hex(request.body));
  for (auto& [k, v] : encode_job_fields(job)) {
    args.push_back(k);
    args.push_back(std::move(v));
  }

  // Registered before admission: the completion can arrive before the admission reply.
  auto deadline = std::chrono::steady_clock::now() + milliseconds(config_.wait_timeout_ms);
  auto waiter = waiters_.add(job.job_id, deadline);
  struct Unregister {
    JobWaiters& w;
    const std::string& id;
    ~Unregister() { w.remove(id); }
  } unregister{waiters_, job.job_id};

  // 3. One script: key -> user, tier, rate, depth, credits, hold, job hash, stream entry.
  auto reply =
      co_await admit_.run(*redis_, {}, std::move(args), milliseconds(config_.redis_timeout_ms));
  if (!reply || reply->is_error()) {
    metrics_.redis_error("admit");
    spdlog::warn("admission failed: {}", reply ? reply->as_string() : reply.error().message);
    co_return redis_unavailable();
  }
  const auto& r = reply->elements();
  const std::string& verdict = r.at(0).as_string();
  if (verdict != "ok") {
    metrics_.refused(verdict);
    if (verdict == "unauthorized") co_return unauthorized();
    if (verdict == "tier")
      co_return requires_tier(model.key, tier_display_name(model.required_tier));
    if (verdict == "rate") co_return rate_limited(to_int(r.at(2).as_string(), 60));
    if (verdict == "overloaded")
      co_return unavailable("Too many jobs in the queue, retry later", 2);
    if (verdict == "insufficient") {
      co_return insufficient_credits(req.total_cost(), to_int(r.at(2).as_string(), 0));
    }
    if (verdict == "idem_mismatch") co_return idempotency_mismatch();
    if (verdict == "idem") co_return co_await replay(r.at(2).as_string(), deadline);
    co_return generation_failed();
  }
  metrics_.credits_reserved(req.total_cost());
  metrics_.waiting_delta(1);

  // 4. Wait for the worker's completion message, bounded.
  if (!waiter->result) {
    co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  metrics_.waiting_delta(-1);
  if (waiter->result)
    co_return answer(*waiter->result, model.key, model.provider, job.prompt, job.count);
  co_return co_await expire_or_collect(job.job_id, model.key, model.provider, job.prompt,
                                       job.count);
}

// The wait ran out (or the message was lost): finalize as expired unless the worker won.
asio::awaitable<ApiResponse> ApiService::expire_or_collect(const std::string& job_id,
                                                           const std::string& model,
                                                           const std::string& provider,
                                                           const std::string& prompt, int count) {
  std::vector<std::string> args = {job_id,
                                   "expired",
                                   "0",
                                   "[]",
                                   "timed out waiting for the provider",
                                   std::to_string(now_ms()),
                                   "",
                                   std::to_string(config_.job_ttl_s)};
  auto reply =
      co_await finalize_.run(*redis_, {}, std::move(args), milliseconds(config_.redis_timeout_ms));
  if (!reply || reply->is_error() || reply->elements().size() < 6) {
    // Redis is away: the worker (or its reclaimer) finalizes the job after its deadline.
    metrics_.redis_error("expire");
    metrics_.job_outcome("expired");
    co_return timed_out(job_id);
  }
  const auto& r = reply->elements();
  JobResultMessage m;
  m.job_id = job_id;
  m.status = r[1].as_string();
  m.charged = to_int(r[2].as_string(), 0);
  m.balance = to_int(r[3].as_string(), 0);
  m.error = r[5].as_string();
  if (auto paths = decode_path_list(r[4].as_string())) m.results = std::move(paths.value());
  co_return answer(m, model, provider, prompt, count);
}

ApiResponse ApiService::answer(const JobResultMessage& m, const std::string& model,
                               const std::string& provider, const std::string& prompt, int count) {
  metrics_.job_outcome(m.status);
  metrics_.credits_captured(m.charged);
  if (m.status == "succeeded" || m.status == "partial") {
    SuccessBody b;
    b.job_id = m.job_id;
    b.model = model;
    b.provider = provider;
    b.prompt = prompt;
    b.file_paths = m.results;
    b.credits_charged = m.charged;
    b.credits_remaining = m.balance;
    b.failed = std::max(0, count - static_cast<int>(m.results.size()));
    return success(b);
  }
  if (m.status == "blocked") return content_blocked();
  if (m.status == "expired") return timed_out(m.job_id);
  return generation_failed();
}

// A retry with a known Idempotency-Key: the first request's outcome, never a second job. Its
// completion message went to the first request's instance, so this polls the job hash, bounded
// by this request's own wait.
asio::awaitable<ApiResponse> ApiService::replay(const std::string& job_id,
                                                std::chrono::steady_clock::time_point deadline) {
  asio::steady_timer timer(ioc_);
  for (;;) {
    auto final = co_await read_final(job_id);
    if (final) {
      std::vector<std::string> args = {"HMGET", keys::job(job_id), "model", "prompt", "count"};
      auto fields =
          co_await redis_->command(std::move(args), milliseconds(config_.redis_timeout_ms));
      if (!fields || fields->is_error() || fields->elements().size() < 3)
        co_return redis_unavailable();
      const auto& f = fields->elements();
      const ModelInfo* info = catalog_.find(f[0].as_string());
      co_return answer(*final, f[0].as_string(), info ? info->provider : "", f[1].as_string(),
                       to_int(f[2].as_string(), 1));
    }
    if (std::chrono::steady_clock::now() + milliseconds(50) >= deadline)
      co_return idempotency_in_progress(job_id);
    timer.expires_after(milliseconds(50));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<std::optional<JobResultMessage>> ApiService::read_final(const std::string& job_id) {
  std::vector<std::string> args = {"HMGET",   keys::job(job_id), "status", "charged",
                                   "results", "error",           "user"};
  auto reply = co_await redis_->command(std::move(args), milliseconds(config_.redis_timeout_ms));
  if (!reply || reply->is_error() || reply->elements().size() < 5) co_return std::nullopt;
  const auto& f = reply->elements();
  const std::string status = f[0].is_nil() ? "" : f[0].as_string();
  if (status.empty() || status == "queued" || status == "running") co_return std::nullopt;
  JobResultMessage m;
  m.job_id = job_id;
  m.status = status;
  m.charged = to_int(f[1].as_string(), 0);
  m.error = f[3].as_string();
  if (auto paths = decode_path_list(f[2].as_string())) m.results = std::move(paths.value());
  std::vector<std::string> bal_args = {"HGET", keys::user(f[4].as_string()), "balance"};
  auto bal = co_await redis_->command(std::move(bal_args), milliseconds(config_.redis_timeout_ms));
  if (bal && !bal->is_nil() && !bal->is_error()) m.balance = to_int(bal->as_string(), 0);
  co_return m;
}

asio::awaitable<void> ApiService::recheck_pending() {
  for (const auto& id : waiters_.pending_ids()) {
    if (auto m = co_await read_final(id)) waiters_.deliver(std::move(*m));
  }
}

asio::awaitable<ApiResponse> ApiService::job_status(const ApiRequest& request,
                                                    std::string_view job_id) {
  auto credential = authenticate_header(request.authorization, config_.jwt_secret, now_ms() / 1000);
  if (!credential) co_return unauthorized();
  const auto timeout = milliseconds(config_.redis_timeout_ms);
  std::string user_id = credential->ident;
  if (credential->kind == Credential::Kind::kApiKey) {
    std::vector<std::string> key_args = {"HMGET", keys::api_key(credential->ident), "user",
                                         "revoked"};
    auto key = co_await redis_->command(std::move(key_args), timeout);
    if (!key || key->is_error()) co_return redis_unavailable();
    const auto& f = key->elements();
    if (f.size() < 2 || f[0].is_nil() || (!f[1].is_nil() && f[1].as_string() == "1"))
      co_return unauthorized();
    user_id = f[0].as_string();
  }
  bool valid_id = !job_id.empty() && job_id.size() <= 64 &&
                  job_id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  if (!valid_id) co_return error_response(404, "Job not found");
  std::vector<std::string> job_args = {"HGETALL", keys::job(job_id)};
  auto reply = co_await redis_->command(std::move(job_args), timeout);
  if (!reply || reply->is_error()) co_return redis_unavailable();
  auto map = reply->to_map();
  if (!map) co_return redis_unavailable();
  auto& fields = map.value();
  // Another user's job and an unknown id look the same.
  if (fields.empty() || fields["user"] != user_id) co_return error_response(404, "Job not found");

  const ModelInfo* model = catalog_.find(fields["model"]);
  std::string provider = model ? model->provider : "";
  JsonWriter w;
  w.begin_object();
  w.field("jobId", job_id).field("status", fields["status"]).field("model", fields["model"]);
  w.field("count", to_int(fields["count"], 0));
  w.field("createdAt",
          iso8601(to_int(fields["created"], 0) == 0 ? 0 : std::stoll(fields["created"])));
  w.key("finishedAt");
  if (fields.count("finished"))
    w.value(iso8601(std::stoll(fields["finished"])));
  else
    w.null();
  w.key("results").begin_array();
  if (auto paths = decode_path_list(fields["results"])) {
    for (const auto& p : paths.value()) {
      w.begin_object()
          .field("filePath", p)
          .field("prompt", fields["prompt"])
          .field("provider", provider)
          .end_object();
    }
  }
  w.end_array();
  w.field("creditsCharged", static_cast<std::int64_t>(to_int(fields["charged"], 0)));
  if (!fields["error"].empty()) w.field("error", fields["error"]);
  w.end_object();
  co_return ApiResponse{200, w.take(), {}};
}

asio::awaitable<ApiResponse> ApiService::readyz() {
  std::vector<std::string> args = {"GET", std::string(keys::kInflight)};
  auto pong = co_await redis_->command(std::move(args), milliseconds(500));
  if (!pong || pong->is_error() || !subscriber_->is_subscribed()) {
    co_return unavailable("Redis is not reachable", 1);
  }
  if (!pong->is_nil()) metrics_.queue_depth(to_int(pong->as_string(), 0));
  co_return ApiResponse{200, R"({"status":"ready"})", {}};
}

}  // namespace imagegen::api
