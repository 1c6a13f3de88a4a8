#pragma once
// Graceful shutdown in one place: count the work in flight, stop admitting new work on close(),
// and tell whoever waits once the last piece has left. Used by the worker's consumer and main and
// by the servers; the callers decide what "work" is (a job, a connection, a request).
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace imagegen::lifecycle {

class DrainGate {
 public:
  // One admitted piece of work; leaves the gate when destroyed (movable, not copyable).
  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(DrainGate* gate) : gate_(gate) {}
    Ticket(Ticket&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
    Ticket& operator=(Ticket&& other) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { release(); }
    explicit operator bool() const { return gate_ != nullptr; }
    void release();  // leave early

   private:
    DrainGate* gate_ = nullptr;
  };

  // A ticket, or an empty one (false) once the gate is closed. The gate must outlive its tickets.
  Ticket enter();
  std::size_t in_flight() const;
  bool closed() const;
  bool drained() const;  // closed and nothing in flight

  // Stops admitting. `on_drained` runs once, when in_flight() reaches 0, on the thread whose
  // ticket left last (or inside close() when nothing is in flight). May be called more than once;
  // every callback given runs.
  void close(std::function<void()> on_drained = nullptr);

 private:
  void leave();
  mutable std::mutex mu_;
  std::size_t in_flight_ = 0;
  bool closed_ = false;
  std::vector<std::function<void()>> waiters_;
};

// Closes `gate` and waits until it has drained or `timeout` has passed; true when drained.
// The gate's tickets must be released on this coroutine's executor (one io_context thread).
boost::asio::awaitable<bool> drain(DrainGate& gate, std::chrono::milliseconds timeout);

}  // namespace imagegen::lifecycle
