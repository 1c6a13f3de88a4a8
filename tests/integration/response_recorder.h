#pragma once
// Opt-in record of the api's answers for tests/openapi/validate_responses.py: with
// IMAGEGEN_RECORD_RESPONSES=/path/file.jsonl, every response the test client receives from a
// registered origin is appended there as one JSON line {method, path, status, headers, body}.
// Only the api's origins are registered, so simulator and metrics traffic stays out.
#include <string>

#include "tests/integration/test_http.h"

namespace imagegen::testing {

// Records responses from URLs starting with `origin` (e.g. "http://127.0.0.1:1234").
void record_responses_from(const std::string& origin);

// Called by http_request for every completed exchange; a no-op unless recording is on and the
// URL belongs to a registered origin.
void record_response(const std::string& method, const std::string& url, const HttpResult& r);

}  // namespace imagegen::testing
