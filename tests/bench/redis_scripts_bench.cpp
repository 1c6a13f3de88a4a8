// Redis CPU per generation of the two scripts every request runs: ADMIT, and its share of a
// SETTLE call that carries a group-commit batch. On a redis-server of its own (started here, no
// persistence unless --aof), driven by many calls in flight at once as the api and the worker
// drive it, so the figure is Redis's own work without the rest of the stack on the same cores:
// the part of the "Redis CPU per request" that the scripts decide, repeatable to a few
// per cent where the whole-stack figure wanders by ten or more.
//
//   redis_script_bench [--jobs N] [--batch B] [--in-flight K] [--aof]
//
// Redis's CPU comes from its own INFO cpu (user + sys, microseconds), read before and after
// each phase.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/lua_scripts.h"
#include "common/protocol/admission.h"
#include "common/protocol/settlement.h"
#include "common/redis/connection.h"
#include "common/redis/script.h"
#include "common/redis_keys.h"
#include "tests/support/redis_server.h"

namespace imagegen {
namespace {

namespace asio = boost::asio;
constexpr auto kTimeout = std::chrono::seconds(30);
constexpr std::string_view kUser = "01974372-1b79-4eac-81d6-b42b7e82953d";
constexpr std::string_view kKeyHash = "bench-key-hash";

struct Options {
  int jobs = 60000;
  int batch = 20;      // jobs per SETTLE call (a group-commit pass)
  int in_flight = 32;  // calls outstanding at once on the one connection
  bool aof = false;
};

// Redis's CPU so far, user + sys, in microseconds.
double redis_cpu_us(const testing::RedisServer& server) {
  const std::string info = server.command({"INFO", "cpu"}).as_string();
  auto field = [&](std::string_view name) {
    const auto at = info.find(name);
    return at == std::string::npos ? 0.0 : std::strtod(info.c_str() + at + name.size(), nullptr);
  };
  return (field("used_cpu_sys:") + field("used_cpu_user:")) * 1e6;
}

protocol::AdmitArgs admit_args(const std::string& job_id, std::int64_t now) {
  protocol::AdmitArgs a;
  a.credential = protocol::AdmitArgs::Credential::kApiKeyHash;
  a.ident = std::string(kKeyHash);
  a.required_tier = "free";
  a.cost = 12;
  a.now_ms = now;
  a.max_queue_depth = 100000;  // as the api's default: ADMIT counts the queue
  a.job_ttl_s = 604800;
  a.family = "openai";
  // The api checks its cache of served families first and asks Redis only on a miss.
  a.require_worker = false;
  JobSpec& s = a.job;
  s.job_id = job_id;
  s.model = "gpt-image-1";
  s.prompt = "a lighthouse at dusk, oil painting, warm light";
  s.resolution = "1K";
  s.count = 1;
  s.cost_per_image = 12;
  s.reply_channel = "api-bench";
  s.created_ms = now;
  s.deadline_ms = now + 120000;
  return a;
}

// Runs `calls` (each an awaitable factory) with at most `in_flight` outstanding; counts errors.
template <typename Call>
int run_all(asio::io_context& ioc, int count, int in_flight, Call call) {
  int next = 0, errors = 0, lanes = 0;
  auto lane = [&]() -> asio::awaitable<void> {
    while (next < count) {
      const int i = next++;
      if (!co_await call(i)) ++errors;
    }
    --lanes;
  };
  for (int l = 0; l < in_flight && l < count; ++l) {
    ++lanes;
    asio::co_spawn(ioc, lane(), asio::detached);
  }
  ioc.restart();
  while (lanes > 0) ioc.run_one();
  return errors;
}

int run(const Options& o) {
  testing::RedisServer server(testing::RedisServer::Options{});
  // As docker-compose and scripts/bench run it: job records stay listpacks (docs/operations.md).
  server.command({"CONFIG", "SET", "hash-max-listpack-value", "1024"});
  if (o.aof) {
    // What scripts/bench and docker-compose run: AOF, fsync once a second.
    server.command({"CONFIG", "SET", "appendfsync", "everysec"});
    server.command({"CONFIG", "SET", "appendonly", "yes"});
  }
  asio::io_context ioc;
  auto conn = redis::Connection::create(ioc, server.config());
  const redis::Script admit(lua::with_prelude(lua::kAdmit));
  const redis::Script settle(lua::with_prelude(lua::kSettle));
  const redis::Script create_user(lua::with_prelude(lua::kCreateUser));
  const std::int64_t now = 1796233434561;

  // Built outside the coroutine: g++ 12 miscompiles a braced list inside a co_await.
  std::vector<std::string> user_args = {std::string(kUser), "pro", "1000000000000000",
                                        std::to_string(now), std::string(kKeyHash)};
  int errors = run_all(ioc, 1, 1, [&](int) -> asio::awaitable<bool> {
    auto r = co_await create_user.run(*conn, user_args, kTimeout);
    co_return r && !r->is_error();
  });
  std::vector<std::string> ids;
  ids.reserve(o.jobs);
  for (int i = 0; i < o.jobs; ++i) ids.push_back(crypto::random_hex(12));

  const double c0 = redis_cpu_us(server);
  errors += run_all(ioc, o.jobs, o.in_flight, [&](int i) -> asio::awaitable<bool> {
    auto r = co_await admit.run(*conn, protocol::admit_argv(admit_args(ids[i], now)), kTimeout);
    const bool ok = r && !r->is_error() && !r->strings().empty() && r->strings()[0] == "ok";
    if (!ok && i == 0) {
      std::fprintf(stderr, "ADMIT failed: %s\n",
                   !r ? r.error().message.c_str()
                      : (r->is_error() || r->strings().empty() ? r->as_string().c_str()
                                                               : r->strings()[0].c_str()));
    }
    co_return ok;
  });
  const double c1 = redis_cpu_us(server);
  const int batches = (o.jobs + o.batch - 1) / o.batch;
  errors += run_all(ioc, batches, o.in_flight, [&](int b) -> asio::awaitable<bool> {
    std::vector<protocol::SettleArgs> batch;
    for (int i = b * o.batch; i < std::min(o.jobs, (b + 1) * o.batch); ++i) {
      protocol::SettleArgs a;
      a.job_id = ids[i];
      a.status = "succeeded";
      a.delivered = 1;
      a.results = {std::string(kUser) + "/generated/generated_" + ids[i] + "_0.png"};
      a.now_ms = now + 500;
      batch.push_back(std::move(a));
    }
    auto r = co_await settle.run(*conn, protocol::settle_argv(batch), kTimeout);
    co_return r && !r->is_error();
  });
  const double c2 = redis_cpu_us(server);

  const std::string captured = server.command({"HGET", keys::user(kUser), "captured"}).as_string();
  const bool exact = captured == std::to_string(12LL * o.jobs);
  std::printf(
      "redis_scripts: jobs=%d batch=%d in_flight=%d aof=%s errors=%d captured_exact=%s\n"
      "redis_scripts: redis_cpu_us_per_job admit=%.2f settle=%.2f total=%.2f\n",
      o.jobs, o.batch, o.in_flight, o.aof ? "everysec" : "off", errors, exact ? "yes" : "no",
      (c1 - c0) / o.jobs, (c2 - c1) / o.jobs, (c2 - c0) / o.jobs);
  conn.reset();
  return errors == 0 && exact ? 0 : 1;
}

}  // namespace
}  // namespace imagegen

int main(int argc, char** argv) {
  imagegen::Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
    if (a == "--jobs") {
      o.jobs = value();
    } else if (a == "--batch") {
      o.batch = value();
    } else if (a == "--in-flight") {
      o.in_flight = value();
    } else if (a == "--aof") {
      o.aof = true;
    } else {
      std::fprintf(stderr, "usage: %s [--jobs N] [--batch B] [--in-flight K] [--aof]\n", argv[0]);
      return 2;
    }
  }
  if (o.jobs < 1 || o.batch < 1 || o.in_flight < 1) {
    std::fprintf(stderr, "--jobs, --batch and --in-flight must be positive\n");
    return 2;
  }
  return imagegen::run(o);
}
