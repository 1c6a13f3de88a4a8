#include "api/job_store.h"

#include "common/config.h"
#include "common/job_codec.h"
#include "common/protocol/job_status.h"
#include "common/redis_keys.h"

namespace imagegen::api {

namespace asio = boost::asio;

bool is_job_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 &&
         id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

asio::awaitable<Result<std::optional<std::string>>> resolve_user(ApiContext& ctx,
                                                                 const Credential& cred) {
  if (cred.kind == Credential::Kind::kUser) co_return std::optional<std::string>(cred.ident);
  std::vector<std::string> args = {"HMGET", keys::api_key(cred.ident), "user", "revoked"};
  auto r = co_await ctx.redis->command(std::move(args), ctx.redis_timeout());
  if (!r) co_return r.error();
  if (r->is_error()) co_return make_error(Errc::kUnavailable, r->as_string());
  const auto& f = r->elements();
  if (f.size() < 2 || f[0].is_nil() || (!f[1].is_nil() && f[1].as_string() == "1")) {
    co_return std::optional<std::string>();
  }
  co_return std::optional<std::string>(f[0].as_string());
}

asio::awaitable<Result<JobFields>> read_job(ApiContext& ctx, std::string_view job_id) {
  std::vector<std::string> args = {"HGETALL", keys::job(job_id)};
  auto r = co_await ctx.redis->command(std::move(args), ctx.redis_timeout());
  if (!r) co_return r.error();
  if (r->is_error()) co_return make_error(Errc::kUnavailable, r->as_string());
  auto map = r->to_map();
  if (!map) co_return map.error();
  protocol::flatten_job_spec(*map);
  co_return std::move(map.value());
}

asio::awaitable<std::optional<protocol::Completion>> read_final(ApiContext& ctx,
                                                                const std::string& job_id) {
  std::vector<std::string> args = {"HMGET",   keys::job(job_id), "status", "charged",
                                   "results", "error",           "user"};
  auto reply = co_await ctx.redis->command(std::move(args), ctx.redis_timeout());
  if (!reply || reply->is_error() || reply->elements().size() < 5) co_return std::nullopt;
  const auto f = reply->strings();
  if (!protocol::is_final(f[0])) co_return std::nullopt;
  protocol::Completion m;
  m.job_id = job_id;
  m.status = f[0];
  auto charged = parse_int(f[1], 0, INT64_MAX);
  m.charged = charged ? *charged : 0;
  m.error = f[3];
  if (auto paths = decode_path_list(f[2])) m.results = std::move(paths.value());
  std::vector<std::string> bal_args = {"HGET", keys::user(f[4]), "balance"};
  auto bal = co_await ctx.redis->command(std::move(bal_args), ctx.redis_timeout());
  if (bal && !bal->is_error()) m.balance = bal->as_int().value_or(0);
  co_return m;
}

asio::awaitable<Result<protocol::SettleReply>> settle(ApiContext& ctx,
                                                      const protocol::SettleArgs& args) {
  auto r = co_await ctx.settle.run(*ctx.redis, protocol::settle_argv(args), ctx.redis_timeout());
  if (!r) co_return r.error();
  if (r->is_error()) co_return make_error(Errc::kUnavailable, r->as_string());
  co_return protocol::decode_settle_reply(r->strings());
}

}  // namespace imagegen::api
