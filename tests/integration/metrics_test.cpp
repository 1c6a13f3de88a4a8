// Each binary's /metrics passes `promtool check metrics` after real traffic.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/integration/stack.h"

namespace imagegen::testing {
namespace {

int promtool_check(const std::string& exposition, std::string& output) {
  char path[] = "/tmp/imagegen-metrics-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return -1;
  FILE* f = ::fdopen(fd, "w");
  std::fwrite(exposition.data(), 1, exposition.size(), f);
  std::fclose(f);
  std::string cmd = std::string("promtool check metrics < ") + path + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof(buf), p)) output.append(buf, n);
  int status = ::pclose(p);
  ::unlink(path);
  return WEXITSTATUS(status);
}

TEST(Metrics, ApiAndWorkerExpositionsPassPromtool) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  ASSERT_EQ(
      stack.post_generate(user.api_key, R"({"prompt":"metrics please","model":"gpt-image-1"})")
          .status,
      200);
  ASSERT_EQ(stack.post_generate(user.api_key, R"({"prompt":"x","model":"nope"})").status, 400);

  for (auto port : {stack.api_metrics_port(), stack.worker_metrics_port()}) {
    auto r = http_request("GET", "http://127.0.0.1:" + std::to_string(port) + "/metrics");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("imagegen_"), std::string::npos);
    std::string out;
    EXPECT_EQ(promtool_check(r.body, out), 0) << out << "\n" << r.body;
  }
  auto api = http_request(
      "GET", "http://127.0.0.1:" + std::to_string(stack.api_metrics_port()) + "/metrics");
  EXPECT_NE(
      api.body.find(
          R"(imagegen_http_requests_total{model="gpt-image-1",route="generate",status="200"} 1)"),
      std::string::npos)
      << api.body;
  EXPECT_NE(api.body.find("imagegen_admissions_refused_total"), std::string::npos);
  auto worker = http_request(
      "GET", "http://127.0.0.1:" + std::to_string(stack.worker_metrics_port()) + "/metrics");
  EXPECT_NE(worker.body.find("imagegen_provider_calls_total"), std::string::npos) << worker.body;
}

}  // namespace
}  // namespace imagegen::testing
