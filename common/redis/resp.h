#pragma once
// A command in Redis' wire format (RESP2: "*<argc>\r\n" then "$<len>\r\n<bytes>\r\n" per
// argument), formatted by us and handed to hiredis ready-made. hiredis' own formatter
// (redisFormatSdsCommandArgv) writes every length through sdscatfmt, its printf: an ADMIT call
// of 46 arguments cost the api about 34,000 instructions, a fifth of all it does per request
// (callgrind, docs/bench.md). Binary-safe: arguments may hold any byte.
#include <string>
#include <string_view>
#include <vector>

namespace imagegen::redis {

// Appends the command made of `args` to `out`.
void append_command(std::string& out, const std::vector<std::string>& args);

// The same piece by piece, for a command built without a vector of arguments (Script::run):
// the array header of `argc` arguments, then each argument.
void append_array_header(std::string& out, std::size_t argc);
void append_argument(std::string& out, std::string_view arg);

// Bytes append_argument adds for an argument of `size` bytes, at most (for reserve()).
constexpr std::size_t kMaxArgumentOverhead = 24;

}  // namespace imagegen::redis
