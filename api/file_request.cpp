#include "api/file_request.h"

#include <charconv>

#include "api/routes/http_cache.h"

namespace imagegen::api {

namespace {
bool is_user_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::optional<std::uint64_t> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<StoredFile> parse_file_path(std::string_view path) {
  constexpr std::string_view kMiddle = "/generated/generated_";
  const auto slash = path.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash > 128) return std::nullopt;
  std::string_view user = path.substr(0, slash);
  for (char c : user) {
    if (!is_user_id_char(c)) return std::nullopt;
  }
  std::string_view rest = path.substr(slash);
  if (!rest.starts_with(kMiddle)) return std::nullopt;
  rest.remove_prefix(kMiddle.size());
  // {jobId}_{index}.{ext}: lowercase hex, digits, one known extension, nothing else.
  const auto underscore = rest.find('_');
  const auto dot = rest.rfind('.');
  if (underscore == 0 || underscore == std::string_view::npos || dot == std::string_view::npos ||
      dot < underscore + 2 || underscore > 64) {
    return std::nullopt;
  }
  for (char c : rest.substr(0, underscore)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  std::string_view index = rest.substr(underscore + 1, dot - underscore - 1);
  if (index.size() > 2 || !number(index)) return std::nullopt;
  std::string_view ext = rest.substr(dot + 1);
  StoredFile f;
  if (ext == "png") {
    f.content_type = "image/png";
  } else if (ext == "jpg") {
    f.content_type = "image/jpeg";
  } else if (ext == "webp") {
    f.content_type = "image/webp";
  } else {
    return std::nullopt;
  }
  f.user_id = std::string(user);
  f.relative_path = std::string(path);
  return f;
}

RangeRequest parse_range(std::string_view header, std::uint64_t size) {
  RangeRequest out;
  header = trim_ows(header);
  if (!header.starts_with("bytes=")) return out;  // other units: ignored
  std::string_view spec = trim_ows(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return out;  // several ranges: whole file
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return out;
  auto first = number(trim_ows(spec.substr(0, dash)));
  auto last = number(trim_ows(spec.substr(dash + 1)));
  if (!first && !last) return out;  // "bytes=-": malformed, ignored
  if (!first) {
    // Suffix: the last N bytes.
    if (*last == 0 || size == 0) return RangeRequest{RangeRequest::Kind::kUnsatisfiable, {}};
    const std::uint64_t n = std::min(*last, size);
    return RangeRequest{RangeRequest::Kind::kPartial, {size - n, size - 1}};
  }
  if (last && *last < *first) return out;  // invalid: ignored
  if (*first >= size) return RangeRequest{RangeRequest::Kind::kUnsatisfiable, {}};
  const std::uint64_t end = last ? std::min(*last, size - 1) : size - 1;
  return RangeRequest{RangeRequest::Kind::kPartial, {*first, end}};
}

std::string make_etag(std::uint64_t size, std::int64_t mtime_ns) {
  return "\"" + std::to_string(size) + "-" + std::to_string(mtime_ns) + "\"";
}

}  // namespace imagegen::api
