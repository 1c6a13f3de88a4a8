#include "common/padded_json.h"

namespace imagegen {

simdjson::padded_string_view padded_body(const std::string& body,
                                         simdjson::padded_string& scratch) {
  if (body.capacity() >= body.size() + simdjson::SIMDJSON_PADDING) {
    return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
  }
  scratch = simdjson::padded_string(body);
  return scratch;
}

}  // namespace imagegen
