#pragma once
// The pure half of GET /api/v1/files/{filePath}: which stored file a path names, whether the
// caller may read it, and what a Range / If-None-Match header asks for. Nothing here touches the
// disk: a path that is not exactly `{userId}/generated/generated_{jobId}_{index}.{png|jpg|webp}`
// is refused before any file name is built, so `..`, percent-encodings, absolute paths, NUL
// and backslashes never reach the filesystem.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imagegen::api {

struct StoredFile {
  std::string user_id;
  std::string relative_path;  // as given, validated: safe to append to the storage root
  std::string content_type;   // image/png | image/jpeg | image/webp
};

// nullopt: not a path we could ever have written (answer 404 without looking).
std::optional<StoredFile> parse_file_path(std::string_view path);

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::uint64_t length() const { return last - first + 1; }
};

// A `Range: bytes=...` header against a file of `size` bytes (RFC 9110 14.2). Exactly one
// range is honoured; several ranges or another unit are ignored (the whole file, 200).
struct RangeRequest {
  enum class Kind { kWhole, kPartial, kUnsatisfiable } kind = Kind::kWhole;
  ByteRange range;
};
RangeRequest parse_range(std::string_view header, std::uint64_t size);

// Strong validator for an immutable stored image: size and modification time.
std::string make_etag(std::uint64_t size, std::int64_t mtime_ns);

}  // namespace imagegen::api
