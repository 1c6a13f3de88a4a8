#pragma once
// The one JSON text builder: response bodies, Redis payloads, upstream requests (worker) and the
// simulator's replies. Appends straight into one string; strings are escaped per RFC 8259 and
// otherwise copied byte for byte (callers hand in valid UTF-8).
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace imagegen {

// Appends `s` as a quoted JSON string: quotes, backslashes and control characters escaped.
void append_json_string(std::string& out, std::string_view s);

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);  // inside an object, before each value
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  template <std::integral I>
  requires(!std::same_as<I, bool>) JsonWriter& value(I v) {
    separate();
    out_ += std::to_string(v);
    return *this;
  }
  JsonWriter& value(bool v);
  JsonWriter& value(double v);             // the shortest text that reads back as the same double
  JsonWriter& raw(std::string_view json);  // an already-encoded JSON value
  JsonWriter& null();

  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  std::string out_;
  bool need_comma_ = false;
};

}  // namespace imagegen
