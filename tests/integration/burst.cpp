// Bursts of requests against the whole stack (burst.h).
#include "tests/integration/burst.h"

#include <curl/curl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <utility>

namespace imagegen::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct Transfer {
  std::size_t index = 0;
  curl_slist* headers = nullptr;
  std::string body;
  Clock::time_point added;
};

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// 1,000 client connections plus the api's own: make sure the descriptor limit allows them
// (children inherit it).
void raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

std::vector<BurstOutcome> post_all_at_once(const std::string& url,
                                           const std::vector<BurstRequest>& requests) {
  std::vector<BurstOutcome> out(requests.size());
  std::vector<Transfer> transfers(requests.size());
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(requests.size()));
  std::vector<CURL*> easies;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    Transfer& t = transfers[i];
    t.index = i;
    t.body = requests[i].body;
    t.headers = curl_slist_append(t.headers, "Content-Type: application/json");
    t.headers =
        curl_slist_append(t.headers, ("Authorization: Bearer " + requests[i].api_key).c_str());
    t.headers = curl_slist_append(t.headers, "Expect:");
    CURL* e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.body.c_str());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(t.body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &out[i].body);
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 180000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 30000L);
    easies.push_back(e);
  }
  for (std::size_t i = 0; i < easies.size(); ++i) {
    transfers[i].added = Clock::now();
    curl_multi_add_handle(multi, easies[i]);
  }
  int running = static_cast<int>(easies.size());
  while (running > 0) {
    curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      BurstOutcome& o = out[t->index];
      o.answered = Clock::now();
      curl_off_t pretransfer_us = 0;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
      o.sent = t->added + std::chrono::microseconds(pretransfer_us);
      if (msg->data.result == CURLE_OK) {
        curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &o.status);
      } else {
        o.error = curl_easy_strerror(msg->data.result);
      }
    }
    if (running > 0) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  for (std::size_t i = 0; i < easies.size(); ++i) {
    curl_multi_remove_handle(multi, easies[i]);
    curl_easy_cleanup(easies[i]);
    curl_slist_free_all(transfers[i].headers);
  }
  curl_multi_cleanup(multi);
  return out;
}

// The most requests that were on the wire at the same moment (sent, not yet answered).
std::size_t max_in_flight(const std::vector<BurstOutcome>& outcomes) {
  std::vector<std::pair<Clock::time_point, int>> events;
  for (const auto& o : outcomes) {
    if (o.status == 0) continue;
    events.emplace_back(o.sent, +1);
    events.emplace_back(o.answered, -1);
  }
  // At equal times the answer sorts first, so touching intervals do not count as overlapping.
  std::sort(events.begin(), events.end());
  std::size_t now = 0, most = 0;
  for (const auto& [when, delta] : events) {
    now += delta;
    most = std::max(most, now);
  }
  return most;
}

std::string statuses(const std::vector<BurstOutcome>& outcomes) {
  std::map<long, int> by_status;
  for (const auto& o : outcomes) ++by_status[o.status];
  std::string s;
  for (const auto& [status, n] : by_status)
    s += std::to_string(status) + ": " + std::to_string(n) + "  ";
  for (const auto& o : outcomes) {
    if (o.status == 0) return s + "(first transport error: " + o.error + ")";
    if (o.status >= 500) return s + "(first " + std::to_string(o.status) + ": " + o.body + ")";
  }
  return s;
}

StackOptions busy_stack() {
  raise_fd_limit();
  StackOptions o;
  o.worker_concurrency = 256;  // every admitted job runs at once: none waits for a slot
  o.wait_timeout_ms = 120000;  // a slow (sanitizer) build must not turn 200s into 504s
  // These tests check the books under a burst, not the api's overload answer: with 1,000
  // admissions at once, a sanitizer build under a parallel ctest has missed the default 500 ms
  // Redis deadline for a few dozen of them (503s, nothing charged, but the counts then differ).
  o.api_env["IMAGEGEN_REDIS_TIMEOUT_MS"] = "10000";
  return o;
}

double scrape(std::uint16_t port, const std::string& name) {
  auto r = http_request("GET", "http://127.0.0.1:" + std::to_string(port) + "/metrics", "", {},
                        std::chrono::seconds(5));
  const std::string line = "\n" + name + " ";
  const auto at = r.body.find(line);
  if (at == std::string::npos) return -1;
  return std::strtod(r.body.c_str() + at + line.size(), nullptr);
}

}  // namespace imagegen::testing
