#include "tests/support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "tests/support/free_port.h"
#include "tests/support/wait_for.h"

namespace imagegen::testing {
namespace {

using namespace std::chrono_literals;

std::string make_temp_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/imagegen-redis-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern);
  }
  return pattern;
}

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

ReplyPtr run(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  if (reply == nullptr) throw std::runtime_error(std::string("redis: ") + c->errstr);
  return ReplyPtr(reply);
}

}  // namespace

RedisServer::RedisServer() : RedisServer(Options{}) {}

RedisServer::RedisServer(Options options) : options_(std::move(options)), dir_(make_temp_dir()) {
  // Another process may take the free port before redis-server binds it: try a few.
  for (int attempt = 1;; ++attempt) {
    port_ = free_port();
    try {
      start();
      return;
    } catch (const std::exception&) {
      process_.reset();
      if (attempt == 3) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
      }
    }
  }
}

RedisServer::~RedisServer() {
  try {
    stop();
  } catch (...) {  // a destructor must not throw; the Process destructor still kills it
  }
  process_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void RedisServer::start() {
  std::vector<std::string> args{"--port",       std::to_string(port_),
                                "--bind",       "127.0.0.1",
                                "--save",       "",
                                "--appendonly", options_.append_only ? "yes" : "no",
                                "--dir",        dir_,
                                "--daemonize",  "no"};
  if (options_.append_only) args.insert(args.end(), {"--appendfsync", "always"});
  if (!options_.password.empty()) {
    args.insert(args.end(), {"--requirepass", options_.password});
  }
  if (options_.unix_socket) {
    args.insert(args.end(), {"--unixsocket", socket_path(), "--unixsocketperm", "700"});
  }
  process_ = std::make_unique<Process>("redis-server", args, std::map<std::string, std::string>{},
                                       dir_ + "/redis.log");
  bool up = wait_for(
      [this] {
        if (!process_->running()) return true;  // exited: give up at once
        try {
          return command({"PING"}).as_string() == "PONG";
        } catch (const std::exception&) {
          return false;
        }
      },
      10s);
  if (!up || !process_->running()) {
    throw std::runtime_error("redis-server on port " + std::to_string(port_) +
                             " did not start; log:\n" + process_->read_log());
  }
}

void RedisServer::stop() {
  if (!process_ || !process_->running()) return;
  process_->kill(SIGTERM);
  if (!process_->wait_for_exit(5s)) {
    process_->kill(SIGKILL);
    process_->wait_for_exit(5s);
  }
}

void RedisServer::restart() {
  if (running()) return;
  start();
}

bool RedisServer::running() const { return process_ && process_->running(); }

std::string RedisServer::log() const { return process_ ? process_->read_log() : ""; }

std::string RedisServer::url(int db) const {
  std::string auth = options_.password.empty() ? "" : ":" + options_.password + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

redis::RedisConfig RedisServer::config(int db) const {
  redis::RedisConfig config;
  auto parsed = redis::parse_redis_url(url(db));
  if (!parsed) throw std::runtime_error(parsed.error().message);
  config.url = *parsed;
  config.name = "test";
  return config;
}

redis::Reply RedisServer::command(const std::vector<std::string>& args, int db) const {
  timeval timeout{2, 0};
  ContextPtr c(redisConnectWithTimeout("127.0.0.1", port_, timeout));
  if (!c) throw std::runtime_error("redis: out of memory");
  if (c->err != 0) throw std::runtime_error(std::string("redis connect: ") + c->errstr);
  redisSetTimeout(c.get(), timeout);
  if (!options_.password.empty()) run(c.get(), {"AUTH", options_.password});
  if (db != 0) run(c.get(), {"SELECT", std::to_string(db)});
  return redis::Reply::from_hiredis(*run(c.get(), args));
}

}  // namespace imagegen::testing
