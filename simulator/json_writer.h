#pragma once
// Builds the JSON replies of the newer families without hand-counting commas. Keys are written as
// given (callers pass literals); string values are escaped.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imagegen::sim {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& str(std::string_view value);
  JsonWriter& num(std::int64_t value);
  JsonWriter& real(double value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // An already-serialised JSON value (a number kept as text, an echoed sub-document).
  JsonWriter& raw(std::string_view json);

  // Shorthands for `key(k).str(v)` and friends.
  JsonWriter& field(std::string_view k, std::string_view v) { return key(k).str(v); }
  JsonWriter& field(std::string_view k, const char* v) { return key(k).str(v); }
  JsonWriter& field(std::string_view k, std::int64_t v) { return key(k).num(v); }
  JsonWriter& field(std::string_view k, int v) { return key(k).num(v); }
  JsonWriter& field(std::string_view k, std::uint32_t v) { return key(k).num(v); }

  std::string take() { return std::move(out_); }
  const std::string& text() const { return out_; }

 private:
  void before_value();

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace imagegen::sim
