#pragma once
// The body of GET /api/v1/jobs/{id}, of the cancel route's 200 and of the webhook, built from
// the job hash (so the api and the worker's webhook sender say the same thing). Pure: a damaged
// hash gives a body with defaults, never an exception.
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/catalog.h"

namespace imagegen::protocol {

// Fields of imagegen:job:{id} (job_codec names plus what the scripts add: user, status,
// charged, results, error, started, finished, hook_*).
using JobFields = std::unordered_map<std::string, std::string>;

// A record as read (HGETALL) holds its spec as one JSON value (job_codec.h: kJobSpecField) or,
// written before that, as fields of its own. This adds the spec's fields that the record does not
// have itself (a field of its own, e.g. REQUEUE's new deadline, wins) and drops the spec, so every
// reader sees one shape. A damaged spec adds nothing.
void flatten_job_spec(JobFields& fields);

// {"jobId","status","model","count","createdAt","startedAt","finishedAt","results":[...],
//  "creditsCharged","error"?,"webhook"?}. Times are ISO-8601 UTC with milliseconds, null when
// the event has not happened.
std::string job_body(std::string_view job_id, const JobFields& fields, const Catalog& catalog);

// The public URL of a stored file (results[].url).
std::string file_url(std::string_view file_path);

}  // namespace imagegen::protocol
