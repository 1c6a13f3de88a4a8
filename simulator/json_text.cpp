#include "simulator/json_text.h"

namespace imagegen::sim {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xf]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

simdjson::padded_string_view padded_body(const std::string& body,
                                         simdjson::padded_string& scratch) {
  if (body.capacity() >= body.size() + simdjson::SIMDJSON_PADDING) {
    return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
  }
  scratch = simdjson::padded_string(body);
  return scratch;
}

}  // namespace imagegen::sim
