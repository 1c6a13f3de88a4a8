#include "api/file_source.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/thread_pool.hpp>

#include "common/json_writer.h"
#include "common/lifecycle/run_blocking.h"

namespace imagegen::api {

namespace asio = boost::asio;

namespace {
// File reads and the sign call block; two threads serve every api thread's downloads.
asio::thread_pool& blocking_pool() {
  static asio::thread_pool pool(2);
  return pool;
}

FileRead read_now(const std::string& path) {
  FileRead out;
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return out;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return out;
  }
  out.found = true;
  out.size = static_cast<std::uint64_t>(st.st_size);
  out.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  out.bytes.resize(out.size);
  std::uint64_t done = 0;
  while (done < out.size) {
    ssize_t n = ::pread(fd, out.bytes.data() + done, out.size - done, static_cast<off_t>(done));
    if (n <= 0) break;
    done += static_cast<std::uint64_t>(n);
  }
  if (done != out.size) out = FileRead{};  // truncated underneath us: treat as missing
  ::close(fd);
  return out;
}

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * n > 64 * 1024) return 0;  // a sign answer is small; refuse more
  body->append(data, size * n);
  return size * n;
}

Result<std::string> sign_now(const ApiConfig& c, const std::string& path) {
  const std::string base = c.supabase_url.ends_with('/')
                               ? c.supabase_url.substr(0, c.supabase_url.size() - 1)
                               : c.supabase_url;
  const std::string url = base + "/storage/v1/object/sign/" + c.supabase_bucket + "/" + path;
  JsonWriter w;
  w.begin_object().field("expiresIn", c.signed_url_ttl_s).end_object();
  const std::string request = w.take();
  std::string body;
  CURL* curl = curl_easy_init();
  if (!curl) return make_error(Errc::kInternal, "curl_easy_init failed");
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, ("Authorization: Bearer " + c.supabase_key).c_str());
  headers = curl_slist_append(headers, ("apikey: " + c.supabase_key).c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return make_error(Errc::kUnavailable, curl_easy_strerror(rc));
  if (status == 404 || status == 400) return make_error(Errc::kNotFound, "no such object");
  if (status != 200)
    return make_error(Errc::kUnavailable, "sign answered " + std::to_string(status));
  simdjson::dom::parser parser;
  std::string_view signed_path;
  if (parser.parse(body).get_object()["signedURL"].get_string().get(signed_path)) {
    return make_error(Errc::kProtocol, "sign answer without signedURL");
  }
  // Supabase answers a path relative to /storage/v1 ("/object/sign/...?token=...").
  return base + "/storage/v1" + std::string(signed_path);
}
}  // namespace

// The work is a named local, never a lambda written inside the co_await expression: g++ 12
// destroys the captures of such a temporary twice (the api died with "double free detected in
// tcache 2" on Range requests, Files.TheOwnerDownloadsWhatTheWorkerStored).
asio::awaitable<FileRead> read_stored_file(std::string root, std::string relative_path) {
  auto work = [path = std::move(root) + "/" + relative_path] { return read_now(path); };
  FileRead read = co_await lifecycle::run_blocking(blocking_pool(), std::move(work));
  co_return read;
}

asio::awaitable<Result<std::string>> sign_supabase_url(const ApiConfig& config,
                                                       std::string relative_path) {
  auto work = [&config, path = std::move(relative_path)] { return sign_now(config, path); };
  Result<std::string> url = co_await lifecycle::run_blocking(blocking_pool(), std::move(work));
  co_return url;
}

}  // namespace imagegen::api
