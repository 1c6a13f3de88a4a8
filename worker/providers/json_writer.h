#pragma once
// Builds the JSON bodies sent upstream. Strings are escaped per RFC 8259; the text is assumed to
// be valid UTF-8 (the api validated it) and is copied through byte for byte.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imagegen::worker {

void append_json_string(std::string& out, std::string_view s);

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);  // inside an object, before each value
  JsonWriter& string(std::string_view v);
  JsonWriter& number(std::int64_t v);
  JsonWriter& boolean(bool v);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace imagegen::worker
