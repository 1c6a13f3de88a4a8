#pragma once
// JobSpec <-> its encodings. ADMIT writes the spec as one JSON value (encode_job_spec) into the
// job hash (imagegen:job:{id}) and the stream entry, so a worker needs no extra round trip to
// learn what to do. Records and entries written before that, and the dead-letter stream, hold
// it as flat field/value pairs (encode_job_fields); every reader takes both.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/job_spec.h"
#include "common/result.h"

namespace imagegen {

using FieldList = std::vector<std::pair<std::string, std::string>>;

// The fields of a job's spec, in the order encode_job_fields and encode_job_spec write them.
// The first kRequiredJobFields are always written; the rest only when not empty
// (a field an empty value leaves out is one pair less for Redis to write, stream and scan on
// every request; records written before a field existed lack it too), and read back as empty.
inline constexpr std::string_view kJobFieldNames[] = {
    "id",      "model",    "prompt", "res",  "count",  "cpi", "reply",
    "created", "deadline", "neg",    "seed", "aspect", "rid", "hook"};
inline constexpr std::size_t kRequiredJobFields = 9;

// Every field except "user" (the admission script learns the user id and adds it itself).
FieldList encode_job_fields(const JobSpec& spec);

// The field of the job hash and of the stream entry that holds encode_job_spec's value.
inline constexpr std::string_view kJobSpecField = "spec";

// The same pairs as encode_job_fields, as one JSON object of strings: {"id":"…","model":…}.
// One value instead of nine to fourteen pairs: Redis keeps a small hash (and a stream entry) as a
// listpack in which every write and read looks its field up by a linear scan, and each pair is
// also a Lua string, a Redis object and AOF bytes. ADMIT and SETTLE together ran ~19 % fewer
// Redis instructions per generation with it (docs/bench.md, fourteenth round). The fields SETTLE
// reads on its own (cpi, reply, hook) stay separate fields of the record as well. The strings
// must be UTF-8, as JSON's are (the api admits nothing else: a strict UTF-8 body, an ASCII
// request id); a spec with other bytes does not decode, and its job is dropped as malformed.
std::string encode_job_spec(const JobSpec& spec);

// encode_job_spec's pairs back, in its order; rejects anything but an object of strings.
Result<FieldList> job_spec_fields(std::string_view spec_json);

// One field of a record that may hold its spec either way (see the top of this file): the
// record's own `field` when it has one, else the spec's; "" when neither has it.
std::string job_field(std::string_view own_value, std::string_view spec_json,
                      std::string_view name);

// Field/value pairs viewed where they lie (a stream entry's reply): decoding copies each value
// once, into the JobSpec, with no map of copies in between. A name given twice: the last wins.
using FieldViews = std::vector<std::pair<std::string_view, std::string_view>>;

// Decodes fields (from a stream entry or HGETALL); rejects missing or malformed fields. A
// kJobSpecField is expanded into its pairs first; a pair outside it overrides the same name
// inside it.
Result<JobSpec> decode_job_fields(const FieldViews& fields);
Result<JobSpec> decode_job_fields(const std::map<std::string, std::string, std::less<>>& fields);

// ["a","b"] <-> vector; paths never contain quotes or control characters (we make them).
std::string encode_path_list(const std::vector<std::string>& paths);
Result<std::vector<std::string>> decode_path_list(std::string_view json);

}  // namespace imagegen
