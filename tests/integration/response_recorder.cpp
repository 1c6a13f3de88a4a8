#include "tests/integration/response_recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <set>

#include "common/json_writer.h"

namespace imagegen::testing {

namespace {
std::mutex mu;
std::set<std::string> origins;

const char* record_path() {
  const char* p = std::getenv("IMAGEGEN_RECORD_RESPONSES");
  return p != nullptr && *p != '\0' ? p : nullptr;
}

// Bodies that are text are recorded; image bytes are not JSON strings, and the validator only
// needs their Content-Type.
bool is_text(const std::string& content_type) {
  return content_type.starts_with("application/json") || content_type.starts_with("text/") ||
         content_type.find("+json") != std::string::npos;
}
}  // namespace

void record_responses_from(const std::string& origin) {
  if (record_path() == nullptr) return;
  std::lock_guard lock(mu);
  origins.insert(origin);
}

void record_response(const std::string& method, const std::string& url, const HttpResult& r) {
  const char* path = record_path();
  if (path == nullptr || r.status == 0) return;
  std::string origin;
  {
    std::lock_guard lock(mu);
    for (const auto& o : origins) {
      if (url.starts_with(o) && (url.size() == o.size() || url[o.size()] == '/')) origin = o;
    }
  }
  if (origin.empty()) return;
  JsonWriter w;
  w.begin_object().field("method", method).field("path", url.substr(origin.size()));
  w.field("status", static_cast<std::int64_t>(r.status));
  w.key("headers").begin_object();
  for (const auto& [k, v] : r.headers) w.field(k, v);
  w.end_object();
  auto ct = r.headers.find("content-type");
  w.key("body");
  if (ct != r.headers.end() && is_text(ct->second))
    w.value(r.body);
  else
    w.null();
  w.end_object();
  std::string line = w.take() + "\n";
  // One write() on an O_APPEND descriptor per line: test processes running in parallel append
  // whole lines without interleaving.
  int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t written = ::write(fd, line.data(), line.size());
  (void)written;  // a lost line only lowers the validated count
  ::close(fd);
}

}  // namespace imagegen::testing
