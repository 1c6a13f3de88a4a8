#pragma once
// Identifiers the simulator hands out: task ids, object ids, result-file tokens. Unique within a
// process run (a counter) and unguessable enough that two runs do not collide (a random start).
// Thread-safe.
#include <string>

namespace imagegen::sim {

// "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx", the shape Runway, Supabase and BFL ids have.
std::string new_uuid();

// 32 lower-case hex digits, for URLs.
std::string new_token();

}  // namespace imagegen::sim
