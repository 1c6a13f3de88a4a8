#pragma once
// Async jobs through the api, for the jobs tests: the request body, GET and cancel of one job,
// and the checks that every settlement has happened and the books are clean.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tests/integration/stack.h"
#include "tests/support/wait_for.h"

namespace imagegen::testing {

inline constexpr std::int64_t kCost = 12;  // gpt-image-1, one image, pro

inline std::string async_body(const std::string& prompt, const std::string& webhook = "") {
  std::string b = R"({"prompt":")" + prompt + R"(","model":"gpt-image-1")";
  if (!webhook.empty()) b += R"(,"webhookUrl":")" + webhook + "\"";
  return b + "}";
}

// Admits `body` with Prefer: respond-async; the job id, or "" (and a failure) unless it is a 202.
inline std::string submit_async(Stack& stack, const std::string& key, const std::string& body) {
  auto r = stack.post_generate(key, body, {"Prefer: respond-async"});
  EXPECT_EQ(r.status, 202) << r.body;
  return r.status == 202 ? json_string(r.body, "/jobId") : "";
}

inline HttpResult cancel(Stack& stack, const std::string& job_id, const std::string& key) {
  return http_request("POST", stack.api_url("/api/v1/jobs/" + job_id + "/cancel"), "",
                      {"Authorization: Bearer " + key});
}

inline std::string job(Stack& stack, const std::string& job_id, const std::string& key) {
  return stack.get("/api/v1/jobs/" + job_id, key).body;
}

// Every stream entry was settled by a worker (its SETTLE acks and deletes the entry), the late
// settlements of jobs someone else settled first included.
inline bool stream_drained(Stack& stack) {
  return stack.redis().command({"XLEN", "imagegen:jobs"}).as_int().value_or(-1) == 0;
}

inline bool audit_clean(Stack& stack) {
  return stack.admin("audit").find("clean") != std::string::npos;
}

// Once every settlement has happened (the late ones of workers that lost included), the user's
// `field` is `value` and the books are clean.
inline void expect_settled_books(Stack& stack, const std::string& user_id, const std::string& field,
                                 std::int64_t value) {
  using namespace std::chrono_literals;
  EXPECT_TRUE(wait_for([&] { return stream_drained(stack); }, 30s));
  EXPECT_EQ(stack.user_number(user_id, field), value);
  EXPECT_TRUE(audit_clean(stack));
}

}  // namespace imagegen::testing
