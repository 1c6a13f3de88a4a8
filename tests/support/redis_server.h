#pragma once
// A real redis-server for one test: free port, fresh temp dir, no persistence. It can be stopped
// and restarted on the same port to test outages, and answers synchronous commands for
// assertions.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/redis/redis_config.h"
#include "common/redis/reply.h"
#include "tests/support/process.h"

namespace imagegen::testing {

class RedisServer {
 public:
  struct Options {
    std::string password;      // requirepass, when not empty; URL-safe characters only
    bool unix_socket = false;  // also listen on socket_path()
    bool append_only = false;  // AOF (fsync every write): data survives stop() + restart()
  };

  // Starts the server and waits until it answers PING. Throws std::runtime_error (with the
  // server's log) when it does not within 10 s.
  RedisServer();
  explicit RedisServer(Options options);
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  // Stops the server and removes its directory.
  ~RedisServer();

  std::uint16_t port() const { return port_; }
  // redis://[:password@]127.0.0.1:PORT/DB
  std::string url(int db = 0) const;
  std::string socket_path() const { return dir_ + "/redis.sock"; }
  const std::string& dir() const { return dir_; }
  // A RedisConfig for url(db), named "test".
  redis::RedisConfig config(int db = 0) const;

  // SIGTERM, then SIGKILL if it has not exited within 5 s. Clients see their connections close.
  void stop();
  // Starts it again on the same port and waits for PING; no-op if running.
  void restart();
  bool running() const;
  std::string log() const;

  // Sends one command over a fresh synchronous connection (AUTH and SELECT `db` done first).
  // A Redis error comes back as an error Reply; throws std::runtime_error if the server
  // cannot be reached.
  redis::Reply command(const std::vector<std::string>& args, int db = 0) const;

 private:
  void start();

  Options options_;
  std::string dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace imagegen::testing
