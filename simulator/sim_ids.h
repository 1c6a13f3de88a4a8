#pragma once
// Identifiers the simulator hands out: task ids, object ids, result-file tokens. Unique within a
// process run (a counter) and unguessable enough that two runs do not collide (a random start).
// Thread-safe.
#include <cstdint>
#include <string>

namespace imagegen::sim {

// SplitMix64's finaliser: a good 64-bit mix of a counter, so successive draws are independent.
std::uint64_t mix64(std::uint64_t x);

// "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx", the shape Runway, Supabase and BFL ids have.
std::string new_uuid();

// 32 lower-case hex digits, for URLs.
std::string new_token();

}  // namespace imagegen::sim
