// Logs as an operator reads them: one JSON object per line, an access line per request, the
// request id from the client through the job to the worker, and no credential anywhere.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/job_codec.h"
#include "common/jwt.h"
#include "tests/integration/stack.h"
#include "tests/support/wait_for.h"

namespace imagegen::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::string jwt_for(const std::string& user_id) {
  return jwt::sign_hs256(R"({"sub":")" + user_id + R"(","exp":4102444800})", "integration-secret");
}

// Every log line of `text` parsed, or a failure naming the first one that is not a JSON object
// with ts, level, component and msg.
std::vector<std::string> json_lines(const std::string& text, const std::string& what) {
  std::vector<std::string> out;
  simdjson::dom::parser parser;
  for (const std::string& line : lines_of(text)) {
    simdjson::dom::object obj;
    EXPECT_FALSE(parser.parse(line).get_object().get(obj)) << what << ": not JSON: " << line;
    for (const char* k : {"ts", "level", "component", "msg"}) {
      std::string_view v;
      EXPECT_FALSE(obj[k].get_string().get(v)) << what << ": no string " << k << " in " << line;
    }
    out.push_back(line);
  }
  return out;
}

// The first line of `lines` whose field `key` is `value` ("" when none).
std::string line_with(const std::vector<std::string>& lines, const std::string& key,
                      const std::string& value) {
  for (const auto& l : lines) {
    if (json_string(l, "/" + key) == value) return l;
  }
  return "";
}

TEST(Logs, JsonLinesAccessLogAndRequestIdFromClientToWorker) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  const std::string rid = "it-req.42_ok";
  auto r = stack.post_generate(user.api_key, R"({"prompt":"traced","model":"gpt-image-1"})",
                               {"X-Request-Id: " + rid});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["x-request-id"], rid);
  const std::string job_id = json_string(r.body, "/jobId");
  ASSERT_FALSE(job_id.empty()) << r.body;
  // The record holds the request id in its spec (common/job_codec.h).
  const auto record =
      stack.redis().command({"HMGET", "imagegen:job:" + job_id, "rid", "spec"}).strings();
  ASSERT_EQ(record.size(), 2u);
  EXPECT_EQ(job_field(record[0], record[1], "rid"), rid);

  // An id that could forge log lines is replaced, and the made one is returned.
  auto bad = stack.get("/healthz?x", "");
  EXPECT_EQ(bad.headers["x-request-id"].size(), 32u);
  auto forged =
      http_request("GET", stack.api_url("/healthz"), "", {"X-Request-Id: a b\" level=error"}, 10s);
  ASSERT_EQ(forged.status, 200);
  const std::string made = forged.headers["x-request-id"];
  EXPECT_EQ(made.size(), 32u) << made;
  EXPECT_EQ(made.find_first_not_of("0123456789abcdef"), std::string::npos) << made;

  // The worker logs the job with its request id (the run line comes before the settlement).
  std::vector<std::string> worker_lines;
  EXPECT_TRUE(wait_for(
      [&] {
        worker_lines = json_lines(stack.worker(0).read_log(), "worker log");
        return !line_with(worker_lines, "msg", "job_settled").empty();
      },
      10s));
  const std::string run = line_with(worker_lines, "msg", "job_run_finished");
  ASSERT_FALSE(run.empty()) << stack.worker(0).read_log();
  EXPECT_EQ(json_string(run, "/request_id"), rid) << run;
  EXPECT_EQ(json_string(run, "/job"), job_id) << run;
  EXPECT_EQ(json_string(run, "/user"), user.user_id) << run;
  EXPECT_EQ(json_string(run, "/model"), "gpt-image-1") << run;
  EXPECT_EQ(json_string(run, "/provider"), "openai") << run;
  EXPECT_EQ(json_string(run, "/component"), "worker") << run;

  // One access line per request, every field a field.
  std::vector<std::string> api_lines;
  EXPECT_TRUE(wait_for(
      [&] {
        api_lines = json_lines(stack.api().read_log(), "api log");
        return !line_with(api_lines, "request_id", made).empty();
      },
      10s));
  const std::string access = line_with(api_lines, "request_id", rid);
  ASSERT_FALSE(access.empty()) << stack.api().read_log();
  EXPECT_EQ(json_string(access, "/msg"), "access");
  EXPECT_EQ(json_string(access, "/method"), "POST");
  EXPECT_EQ(json_string(access, "/route"), "generate");
  EXPECT_EQ(json_string(access, "/status"), "200");
  EXPECT_EQ(json_string(access, "/user"), user.user_id);
  EXPECT_EQ(json_string(access, "/model"), "gpt-image-1");
  EXPECT_EQ(json_string(access, "/job"), job_id);
  EXPECT_FALSE(json_string(access, "/duration_ms").empty());
  EXPECT_FALSE(json_string(access, "/bytes").empty());
  EXPECT_EQ(json_string(access, "/component"), "api");
  EXPECT_EQ(json_string(line_with(api_lines, "request_id", made), "/route"), "healthz");
}

TEST(Logs, TextFormatOnRequest) {
  StackOptions o;
  o.api_env["IMAGEGEN_LOG_FORMAT"] = "text";
  Stack stack(o);
  ASSERT_EQ(stack.get("/healthz").status, 200);
  EXPECT_TRUE(wait_for(
      [&] { return stack.api().read_log().find(" access method=GET") != std::string::npos; }, 10s))
      << stack.api().read_log();
  EXPECT_EQ(stack.api().read_log().find("{\"ts\""), std::string::npos);
}

TEST(Logs, NoTokenKeyOrSecretInAnyLog) {
  Stack stack;
  auto user = stack.create_user("pro", 1000);
  const std::string jwt = jwt_for(user.user_id);
  const std::string wrong_key = "ig_live_not-a-real-key-0123456789";
  const std::string wrong_jwt = jwt.substr(0, jwt.size() - 4) + "AAAA";
  std::set<std::string> secrets = {
      user.api_key,         jwt,       wrong_key,          wrong_jwt,
      "integration-secret", "sim-key", "sim-kling-access", "sim-kling-secret"};
  // Every family's keys are used: one model of each, by API key and by JWT.
  for (const char* model : {"nano-banana", "gpt-image-1", "flux-2-pro", "midjourney-v7",
                            "runway-gen4-image", "grok-imagine-image", "seedream-4-0",
                            "riverflow-2-0-fast", "kling-image-v3", "wan-2-6-image"}) {
    const std::string body = std::string(R"({"prompt":"secret test","model":")") + model + "\"}";
    EXPECT_EQ(stack.post_generate(user.api_key, body).status, 200) << model;
  }
  auto by_jwt = stack.post_generate(jwt, R"({"prompt":"by jwt"})");
  EXPECT_EQ(by_jwt.status, 200) << by_jwt.body;
  EXPECT_EQ(stack.get("/api/v1/jobs/" + json_string(by_jwt.body, "/jobId"), jwt).status, 200);
  EXPECT_EQ(stack.post_generate(wrong_key, R"({"prompt":"x"})").status, 401);
  EXPECT_EQ(stack.post_generate(wrong_jwt, R"({"prompt":"x"})").status, 401);
  EXPECT_EQ(stack.get("/api/v1/jobs/0123456789abcdef01234567", wrong_key).status, 401);
  // A failing provider call is logged with its error: still no key.
  EXPECT_NE(stack.post_generate(user.api_key, R"({"prompt":"[sim:fail=401]","model":"flux-2-pro"})")
                .status,
            200);

  const fs::path dir = fs::path(stack.api().log_path()).parent_path();
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".log") continue;
    ++files;
    const std::string text = read_file(entry.path());
    for (const auto& s : secrets) {
      EXPECT_EQ(text.find(s), std::string::npos)
          << entry.path().filename() << " holds " << s << "\n"
          << text;
    }
  }
  EXPECT_GE(files, 3) << "api, worker and simulator logs";
}

}  // namespace
}  // namespace imagegen::testing
