#pragma once
// JobSpec <-> flat field/value pairs. The same fields form the job hash (imagegen:job:{id})
// and the stream entry, so a worker needs no extra round trip to learn what to do.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/job_spec.h"
#include "common/result.h"

namespace imagegen {

using FieldList = std::vector<std::pair<std::string, std::string>>;

// Every field except "user" (the admission script learns the user id and adds it itself).
FieldList encode_job_fields(const JobSpec& spec);

// Field/value pairs viewed where they lie (a stream entry's reply): decoding copies each value
// once, into the JobSpec, with no map of copies in between. A name given twice: the last wins.
using FieldViews = std::vector<std::pair<std::string_view, std::string_view>>;

// Decodes fields (from a stream entry or HGETALL); rejects missing or malformed fields.
Result<JobSpec> decode_job_fields(const FieldViews& fields);
Result<JobSpec> decode_job_fields(const std::map<std::string, std::string, std::less<>>& fields);

// ["a","b"] <-> vector; paths never contain quotes or control characters (we make them).
std::string encode_path_list(const std::vector<std::string>& paths);
Result<std::vector<std::string>> decode_path_list(std::string_view json);

}  // namespace imagegen
