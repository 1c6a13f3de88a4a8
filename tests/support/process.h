#pragma once
// A child process for integration tests: a server binary started with arguments and extra
// environment variables, its stdout and stderr appended to a log file the test can read.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace imagegen::testing {

class Process {
 public:
  // Starts `binary` (looked up in PATH when it holds no '/') with `args` (argv[1..]), the
  // test's own environment plus `env` (which wins), and stdout/stderr appended to `log_path`.
  // Throws std::runtime_error when it cannot be started.
  Process(std::string binary, std::vector<std::string> args, std::map<std::string, std::string> env,
          std::string log_path);
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  // SIGKILLs the process if it is still running and reaps it.
  ~Process();

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

  // Sends `signal`; no-op once the process has been reaped.
  void kill(int signal);
  // True until the process has exited (reaps it when it has).
  bool running();
  // The exit code once the process has exited, 128 + N if signal N killed it; nullopt if it
  // is still running after `timeout`.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  // Everything the process wrote so far.
  std::string read_log() const;

 private:
  bool try_reap();

  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_status_;
};

}  // namespace imagegen::testing
