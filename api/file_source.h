#pragma once
// Where GET /api/v1/files/ gets its bytes: the local storage root, read on a small blocking pool
// so a slow disk never stalls an api thread; or, with Supabase Storage, a signed URL from the
// storage's sign endpoint (also a blocking libcurl call on that pool).
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "api/api_config.h"
#include "api/file_request.h"
#include "common/result.h"

namespace imagegen::api {

struct FileRead {
  bool found = false;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string bytes;
};

// Reads `relative_path` under `root` (the path was validated by parse_file_path), whole: the
// size decides a Range, and images are small. Never follows a symlink at the last step.
boost::asio::awaitable<FileRead> read_stored_file(std::string root, std::string relative_path);

// The absolute signed URL of an object in Supabase Storage, or an error (unavailable).
boost::asio::awaitable<Result<std::string>> sign_supabase_url(const ApiConfig& config,
                                                              std::string relative_path);

}  // namespace imagegen::api
