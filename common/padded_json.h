#pragma once
// Lets simdjson read a request body in place when the string has the spare capacity simdjson's
// SIMD loads need past the end (servers reserve it when they read the body).
#include <simdjson.h>

#include <string>

namespace imagegen {

// A view of `body` that simdjson may read SIMDJSON_PADDING bytes past. Uses the string's own spare
// capacity when it has enough, otherwise copies into `scratch`.
simdjson::padded_string_view padded_body(const std::string& body, simdjson::padded_string& scratch);

}  // namespace imagegen
