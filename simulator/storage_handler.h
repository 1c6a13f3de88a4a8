#pragma once
// Supabase Storage's object API, the part the worker's uploader uses:
//   POST /storage/v1/object/{bucket}/{path...}   raw bytes, `Content-Type` of the image,
//        `x-upsert: true` to overwrite -> 200 {"Key":"{bucket}/{path}","Id":"<uuid>"}; an
//        existing object without upsert -> 400 {"statusCode":"409","error":"Duplicate",...}
//   PUT  same path: update (always overwrites)
//   GET  same path: the stored bytes with their Content-Type (for tests to check uploads)
// Auth: `Authorization: Bearer <key>` or `apikey: <key>` (any non-empty value). Like the real
// service, refusals are HTTP 400 with the meaningful code in `statusCode` (a string); faults are
// real 503s. Prompt directives cannot ride in a binary body, so uploads fail by path instead:
// a path containing `sim-fail-once` answers 503 on its first upload and succeeds after, and
// `--storage-fail-rate F` fails that share of uploads with 503. `--fault-rate` does not apply.
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& storage_family();

SimResponse handle_storage(const SimRequest& request, HandlerContext& context);

// `{"statusCode":"<status>","error":"...","message":"..."}` with HTTP `status`.
SimResponse storage_error(int status, std::string_view message);

}  // namespace imagegen::sim
