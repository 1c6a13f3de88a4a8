#pragma once
// Small helpers for the JSON the simulator writes and reads. Replies are built by appending to a
// string (they are a handful of fixed shapes); request bodies are read with simdjson ondemand.
#include <simdjson.h>

#include <string>
#include <string_view>

namespace imagegen::sim {

// Appends `text` as a quoted JSON string, escaping quotes, backslashes and control characters.
void append_json_string(std::string& out, std::string_view text);

// A view of `body` that simdjson may read SIMDJSON_PADDING bytes past. Uses the string's own spare
// capacity when it has enough (the server reserves it), otherwise copies into `scratch`.
simdjson::padded_string_view padded_body(const std::string& body, simdjson::padded_string& scratch);

}  // namespace imagegen::sim
