#pragma once
// Expected failures are values. Result<T> holds either a T or an Error with a code and a message.
#include <string>
#include <utility>
#include <variant>

namespace imagegen {

enum class Errc {
  kInvalidArgument,  // bad input (config, catalog, request)
  kNotFound,
  kTimeout,
  kUnavailable,  // a dependency (Redis, upstream) could not be reached
  kProtocol,     // a peer answered something we cannot parse
  kInternal,
};

struct Error {
  Errc code = Errc::kInternal;
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace imagegen
