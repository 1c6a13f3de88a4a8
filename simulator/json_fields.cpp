#include "simulator/json_fields.h"

namespace imagegen::sim {
namespace {

// The element under `key`, or nullopt when absent or null.
std::optional<simdjson::dom::element> lookup(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element element;
  if (object.at_key(key).get(element)) return std::nullopt;
  if (element.is_null()) return std::nullopt;
  return element;
}

template <typename T>
Field<T> read(simdjson::dom::object object, std::string_view key) {
  Field<T> field;
  const auto element = lookup(object, key);
  if (!element) return field;
  field.present = true;
  field.wrong_type = element->get(field.value) != simdjson::SUCCESS;
  return field;
}

}  // namespace

bool JsonBody::parse(const std::string& body) {
  simdjson::dom::element element;
  if (parser_.parse(body).get(element)) return false;
  return element.get_object().get(root_) == simdjson::SUCCESS;
}

Field<std::string_view> string_field(simdjson::dom::object object, std::string_view key) {
  return read<std::string_view>(object, key);
}

Field<std::int64_t> int_field(simdjson::dom::object object, std::string_view key) {
  return read<std::int64_t>(object, key);
}

Field<double> number_field(simdjson::dom::object object, std::string_view key) {
  return read<double>(object, key);
}

Field<bool> bool_field(simdjson::dom::object object, std::string_view key) {
  return read<bool>(object, key);
}

Field<simdjson::dom::object> object_field(simdjson::dom::object object, std::string_view key) {
  return read<simdjson::dom::object>(object, key);
}

Field<simdjson::dom::array> array_field(simdjson::dom::object object, std::string_view key) {
  return read<simdjson::dom::array>(object, key);
}

std::string field_json(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element element;
  if (object.at_key(key).get(element)) return "null";
  return simdjson::minify(element);
}

}  // namespace imagegen::sim
