#pragma once
// Reading request bodies of the newer families: parse once into a DOM, then look fields up by name
// with an explicit "absent / wrong type / value" answer, so each handler can phrase its own 400.
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imagegen::sim {

// A field as read: absent (or JSON null, which every family treats as "use the default"),
// present with the wrong type, or present with `value`.
template <typename T>
struct Field {
  bool present = false;
  bool wrong_type = false;
  T value{};

  bool ok() const { return present && !wrong_type; }
  T or_default(T fallback) const { return ok() ? value : fallback; }
};

// Owns the parsed document; every view it hands out lives as long as this object.
class JsonBody {
 public:
  // Parses `body`; false when it is not a JSON object.
  bool parse(const std::string& body);
  simdjson::dom::object root() const { return root_; }

 private:
  simdjson::dom::parser parser_;
  simdjson::dom::object root_;
};

Field<std::string_view> string_field(simdjson::dom::object object, std::string_view key);
Field<std::int64_t> int_field(simdjson::dom::object object, std::string_view key);
Field<double> number_field(simdjson::dom::object object, std::string_view key);
Field<bool> bool_field(simdjson::dom::object object, std::string_view key);
Field<simdjson::dom::object> object_field(simdjson::dom::object object, std::string_view key);
Field<simdjson::dom::array> array_field(simdjson::dom::object object, std::string_view key);

// The field re-serialised as JSON text (for echoing `input` back), or "null" when absent.
std::string field_json(simdjson::dom::object object, std::string_view key);

}  // namespace imagegen::sim
