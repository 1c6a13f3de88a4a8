#include "worker/webhooks/webhook_sender.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/backoff.h"
#include "common/clock.h"
#include "common/lifecycle/spawn.h"
#include "common/lua_scripts.h"
#include "common/protocol/job_view.h"
#include "common/redis_keys.h"
#include "common/webhook_scripts.h"
#include "common/webhook_signature.h"
#include "common/webhook_target.h"

namespace imagegen::worker::webhooks {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {
HttpClientOptions client_options(const SenderOptions& o) {
  HttpClientOptions h;
  h.max_response_bytes = o.max_response_bytes;
  h.truncate_body = true;
  h.connect_timeout = o.attempt_timeout;
  h.user_agent = "imagegen-webhooks/1";
  if (!o.allow_private) {
    h.refuse_peer = [](std::string_view ip) { return is_forbidden_address(ip); };
  }
  return h;
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kDelivered:
      return "delivered";
    case Verdict::kRetry:
      return "retry";
    case Verdict::kFailed:
      return "failed";
  }
  return "failed";
}
}  // namespace

struct WebhookSender::Claim {
  std::string job_id;
  int attempt = 0;
  std::string secret;
  protocol::JobFields fields;
};

HttpRequest delivery_request(const std::string& url, std::string_view job_id,
                             std::int64_t timestamp_s, std::string body,
                             std::string_view secret_key) {
  HttpRequest r;
  r.method = "POST";
  r.url = url;
  const std::string id = webhook::message_id(job_id);
  r.headers = {{"Content-Type", "application/json"},
               {"webhook-id", id},
               {"webhook-timestamp", std::to_string(timestamp_s)},
               {"webhook-signature", webhook::signature(secret_key, id, timestamp_s, body)}};
  r.body = std::move(body);
  return r;
}

WebhookSender::WebhookSender(asio::io_context& ioc, redis::RedisConfig redis,
                             const Catalog& catalog, WorkerMetrics& metrics, SenderOptions options)
    : ioc_(ioc),
      catalog_(catalog),
      metrics_(metrics),
      options_(options),
      redis_(redis::Connection::create(ioc, std::move(redis))),
      http_(ioc, client_options(options)),
      claim_(lua::with_prelude(lua::kWebhookClaim)),
      record_(lua::with_prelude(lua::kWebhookRecord)),
      wake_(ioc) {}

WebhookSender::~WebhookSender() = default;

void WebhookSender::start() { lifecycle::spawn(ioc_, loop(), "webhook loop"); }

void WebhookSender::stop() {
  stopping_ = true;
  wake_.cancel();
}

asio::awaitable<void> WebhookSender::loop() {
  while (!stopping_) {
    int claimed = 0;
    if (in_flight_ < options_.max_in_flight) claimed = co_await claim_batch();
    // A full batch may mean more are due: look again at once (bounded by max_in_flight).
    if (claimed > 0 && in_flight_ < options_.max_in_flight) continue;
    wake_.expires_after(options_.poll_interval);
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

asio::awaitable<int> WebhookSender::claim_batch() {
  const int n = options_.max_in_flight - in_flight_;
  std::vector<std::string> args = {std::to_string(now_ms()), std::to_string(options_.lease.count()),
                                   std::to_string(n)};
  // One fresh secret per slot, for users who never asked for theirs (made on first use).
  for (int i = 0; i < n; ++i) args.push_back(webhook::new_webhook_secret());
  auto r = co_await claim_.run(*redis_, std::move(args), options_.redis_timeout);
  if (!r || r->is_error()) {
    metrics_.redis_error("webhook_claim");
    co_return 0;
  }
  int count = 0;
  for (const auto& item : r->elements()) {
    const auto& e = item.elements();
    if (e.size() < 4) continue;
    auto claim = std::make_shared<Claim>();
    claim->job_id = e[0].as_string();
    claim->attempt = static_cast<int>(e[1].as_int().value_or(1));
    claim->secret = e[2].as_string();
    const auto& kv = e[3].elements();
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2)
      claim->fields[kv[i].as_string()] = kv[i + 1].as_string();
    protocol::flatten_job_spec(claim->fields);
    ++in_flight_;
    ++count;
    asio::co_spawn(ioc_, deliver(std::move(claim)), [this](std::exception_ptr e) {
      --in_flight_;
      if (e) spdlog::error("webhook delivery ended with an exception");
    });
  }
  co_return count;
}

asio::awaitable<void> WebhookSender::deliver(std::shared_ptr<Claim> claim) {
  const std::string url = claim->fields["hook"];
  auto key = webhook::secret_key(claim->secret);
  // Re-checked here too: the url was checked at admission, but the rule may have changed
  // (IMAGEGEN_WEBHOOK_ALLOW_PRIVATE differs between api and worker).
  auto target = check_webhook_url(url, options_.allow_private);
  if (!key || !target) {
    const std::string why = !key ? "no usable signing secret" : target.error().message;
    spdlog::warn("job={} webhook refused: {}", claim->job_id, why);
    metrics_.webhook_delivery("refused");
    co_await record(*claim, Verdict::kFailed, std::nullopt, why);
    co_return;
  }
  const std::int64_t ts = now_ms() / 1000;
  auto request = delivery_request(url, claim->job_id, ts,
                                  protocol::job_body(claim->job_id, claim->fields, catalog_), *key);
  request.max_response_bytes = options_.max_response_bytes;
  const auto started = std::chrono::steady_clock::now();
  auto response = co_await http_.fetch(std::move(request), options_.attempt_timeout);
  metrics_.webhook_attempt(std::chrono::steady_clock::now() - started);
  const bool refused = !response && response.error().message.starts_with("address refused");
  std::optional<int> status;
  std::string error;
  if (response) {
    status = response->status;
  } else {
    error = response.error().message;
  }
  const Verdict verdict = classify(status, refused, claim->attempt, options_.retry);
  spdlog::info("job={} webhook attempt {} status={} verdict={} {}", claim->job_id, claim->attempt,
               status.value_or(0), verdict_name(verdict), error);
  if (verdict != Verdict::kRetry) {
    metrics_.webhook_delivery(refused ? "refused" : verdict_name(verdict));
  }
  co_await record(*claim, verdict, status, error);
}

// Bounded retries; if Redis stays away the lease brings the delivery back to some worker.
asio::awaitable<void> WebhookSender::record(const Claim& claim, Verdict verdict,
                                            std::optional<int> status, const std::string& error) {
  const std::int64_t now = now_ms();
  const std::int64_t next =
      verdict == Verdict::kRetry
          ? now + retry_delay(claim.attempt, options_.retry, unit_random()).count()
          : 0;
  std::vector<std::string> args = {claim.job_id,
                                   std::to_string(claim.attempt),
                                   std::string(verdict_name(verdict)),
                                   std::to_string(status.value_or(0)),
                                   std::to_string(next),
                                   error,
                                   std::to_string(now)};
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto r = co_await record_.run(*redis_, args, options_.redis_timeout);
    if (r && !r->is_error()) co_return;
    metrics_.redis_error("webhook_record");
    asio::steady_timer pause(ioc_, milliseconds(200 << attempt));
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  spdlog::warn("job={} webhook result not recorded; its lease brings it back", claim.job_id);
}

}  // namespace imagegen::worker::webhooks
