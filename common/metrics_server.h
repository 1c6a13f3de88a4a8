#pragma once
// Serves GET /metrics (Prometheus text format 0.0.4) on its own port with a tiny Beast
// listener on the given io_context. The body comes from a callback so each binary keeps its
// metrics declared in one place.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace imagegen {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;
  // Binds at once (throws on failure: a start-up error). port 0 picks a free port.
  MetricsServer(boost::asio::io_context& ioc, const std::string& host, std::uint16_t port,
                Render render);
  ~MetricsServer();
  std::uint16_t port() const;
  void stop();  // closes the listener; open connections finish their current response

  struct State;  // public so the accept loop in the .cpp can share it; its layout stays private

 private:
  std::shared_ptr<State> state_;
};

}  // namespace imagegen
